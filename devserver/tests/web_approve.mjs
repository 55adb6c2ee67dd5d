// Drives the ascend-dev review page in headless Chromium: signs in with the POST form, checks what a reviewer
// sees (description, parameters, context, CVSS/MITRE/NIST, factors, thresholds, age), that the page cannot be
// framed, that it refreshes by itself when a new action arrives, opens an action's detail view and approves it
// there. Usage: node web_approve.mjs URL ADMIN_TOKEN API_KEY ACTION_ID [SCREENSHOT_DIR]
import { chromium } from "playwright-core";

const [url, token, apiKey, id, shots] = process.argv.slice(2);
const fail = (msg) => { console.error(`web_approve: ${msg}`); process.exit(1); };
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
  if (process.env.DEBUG_WEB) page.on("console", (m) => console.log("console:", m.text()));
  if (process.env.DEBUG_WEB) page.on("pageerror", (e) => console.log("pageerror:", e.message));
  const first = await page.goto(`${url}/`);
  const h = first.headers();
  if (h["x-frame-options"] !== "DENY") fail(`X-Frame-Options is ${h["x-frame-options"]}`);
  if (!(h["content-security-policy"] || "").includes("frame-ancestors 'none'")) fail("no frame-ancestors 'none'");
  if (h["cache-control"] !== "no-store") fail(`Cache-Control is ${h["cache-control"]}`);

  // Sign in with the form: the token is posted, never in a URL.
  await page.locator("#token").fill(token);
  await Promise.all([page.waitForURL(`${url}/`), page.locator("#sign-in").click()]);
  if (page.url().includes(token)) fail("the token ended up in the URL");
  if (process.env.DEBUG_WEB) console.log(page.url(), await page.content());
  const row = page.locator(`#action-${id}`);
  await row.waitFor({ timeout: 10000 });
  const rowText = await row.innerText();
  for (const want of ["Wire 1,250 EUR to supplier ACME", "CVSS:3.1/", "TA0", "auto-approve < 60", "(agent)"]) {
    if (!rowText.includes(want)) fail(`row ${id} does not show ${JSON.stringify(want)}:\n${rowText}`);
  }
  await row.locator("details.payload summary").click();
  const params = await page.locator(`#parameters-${id}`).innerText();
  if (!params.includes('"amount": 1250') || !params.includes("<b>ACME</b>")) fail(`parameters: ${params}`);
  const ctx = await page.locator(`#context-${id}`).innerText();
  if (!ctx.includes('"environment": "production"')) fail(`context: ${ctx}`);
  if ((await page.locator("b", { hasText: "ACME" }).count()) !== 0) fail("markup in parameters was not escaped");

  // It cannot be framed, even by a page on the same host.
  const framer = await browser.newPage();
  await framer.route("http://framer.test/", (r) =>
    r.fulfill({ contentType: "text/html", body: `<iframe id="f" src="${url}/" width="800" height="600"></iframe>` }));
  await framer.goto("http://framer.test/");
  await framer.waitForTimeout(1000);
  const inner = framer.frames().find((f) => f !== framer.mainFrame());
  const framed = inner ? await inner.locator("#pending-count").count().catch(() => 0) : 0;
  if (framed !== 0) fail("the review page rendered inside a frame");
  await framer.close();

  // A new action appears without a manual reload.
  const resp = await fetch(`${url}/api/v1/actions/submit`, {
    method: "POST",
    headers: { "X-API-Key": apiKey, "Content-Type": "application/json" },
    body: JSON.stringify({
      agent_id: "ops-bot", agent_name: "Ops Bot", action_type: "system_operation", resource: "prod-cluster",
      description: "Restart the payment service in production", tool_name: "kubectl",
      action_details: { command: "kubectl rollout restart deploy/payments", namespace: "prod" },
      context: { environment: "production", change_ticket: "CHG-311" },
    }),
  });
  const second = (await resp.json()).id;
  await page.locator(`#action-${second}`).waitFor({ timeout: 10000 });
  console.log(`page refreshed by itself and shows new action ${second}`);
  if (shots) {
    await page.locator(`#action-${id} details.payload`).evaluate((d) => { d.open = true; });
    await page.screenshot({ path: `${shots}/review-page.png`, fullPage: true });
  }

  // The detail view, and a decision taken there.
  await Promise.all([page.waitForURL(`${url}/ui/actions/${id}`), page.locator(`#details-${id}`).click()]);
  const detail = await page.locator("body").innerText();
  for (const want of ["Parameters", "Context", "pre-score factors", "Audit trail", "action.submitted", "NIST"]) {
    if (!detail.includes(want)) fail(`detail view lacks ${JSON.stringify(want)}`);
  }
  if (shots) await page.screenshot({ path: `${shots}/review-detail.png`, fullPage: true });
  await page.locator("input[name=comment]").fill("approved in the browser");
  await Promise.all([page.waitForURL(`${url}/ui/actions/${id}`), page.locator(`#approve-${id}`).click()]);
  const status = await page.locator("#status").textContent();
  console.log(`detail page shows action ${id} as ${status}`);
  if (status !== "approved") fail(`status ${status}`);
} finally {
  await browser.close();
}
