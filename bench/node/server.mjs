// A local fixed-response platform for the benchmark (its own process, loopback, keep-alive): every
// POST /api/v1/actions/submit answers the same approved decision.
import { createServer } from "node:http";

const BODY = JSON.stringify({ id: 7, action_id: "7", status: "approved", decision: "approved", risk_score: 35.0, risk_level: "low", reason: "Auto-approved" });
const server = createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(BODY) });
    res.end(BODY);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => process.stdout.write(`listening on http://127.0.0.1:${server.address().port}\n`));
process.on("disconnect", () => process.exit(0));
