// Opens the ascend-dev review page in headless Chromium, signs in with the admin token and clicks Approve
// on one action. Usage: node web_approve.mjs URL ADMIN_TOKEN ACTION_ID
import { chromium } from "playwright-core";

const [url, token, id] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"],
});
try {
  const page = await browser.newPage();
  await page.goto(`${url}/?token=${encodeURIComponent(token)}`);
  const button = page.locator(`#approve-${id}`);
  await button.waitFor({ timeout: 10000 });
  await page.locator(`#action-${id} input[name=comment]`).fill("approved in the browser");
  await Promise.all([page.waitForURL(`${url}/`), button.click()]);
  const row = await page.locator(`#decided-${id} .status`).textContent();
  console.log(`page shows action ${id} as ${row}`);
  if (row !== "approved") process.exit(1);
} finally {
  await browser.close();
}
