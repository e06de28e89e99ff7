// ui.test.mjs -- the kontakt web UI in headless chromium (playwright-core).
// Run by tests/cli-browser.sh, which starts the server and passes BASE,
// TOKEN_CW, TOKEN_MGR, CHROMIUM and ARTIFACTS. Ends with "N passed, N failed".
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

const BASE = process.env.BASE;
const ART = process.env.ARTIFACTS || "build/artifacts";
mkdirSync(ART, { recursive: true });
let passed = 0, failed = 0;
const shot = (page, name) => page.screenshot({ path: join(ART, name), fullPage: true });

async function step(name, fn) {
  try {
    await fn();
    passed++;
    console.log("ok   " + name);
  } catch (e) {
    failed++;
    console.log("FAIL " + name + ": " + (e && e.message ? e.message.split("\n")[0] : e));
  }
}
function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
});
const errors = [];
async function newPage(viewport) {
  const ctx = await browser.newContext({ viewport: viewport || { width: 1280, height: 900 }, locale: "da-DK" });
  const page = await ctx.newPage();
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error" && !/401|403|404|422|501/.test(m.text())) errors.push(m.text()); });
  page.setDefaultTimeout(15000);
  return page;
}
async function login(page, token) {
  await page.goto(BASE + "/");
  await page.fill("#token", token);
  await page.click("#login-submit");
  await page.waitForSelector("#worklist table, #worklist .notice.ok");
}

try {
  const page = await newPage();

  await step("login page: labelled field, focus on it, a working skip link", async () => {
    await page.goto(BASE + "/");
    await page.waitForSelector("#token");
    await shot(page, "01-login.png");
    const label = await page.$eval("label[for=token]", (l) => l.textContent);
    assert(label === "Adgangsnøgle", "the token field has no label");
    const active = await page.evaluate(() => document.activeElement.id);
    assert(active === "token", "focus is on " + active);
    const first = await page.evaluate(() => document.querySelector("a[href], button, input, select, textarea").className);
    assert(first === "skip", "the first focusable element is not the skip link");
    await page.focus("a.skip");
    const box = await page.$eval("a.skip", (a) => a.getBoundingClientRect().left);
    assert(box >= 0, "the focused skip link is not visible");
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => document.activeElement && document.activeElement.id === "main");
  });

  await step("a wrong token is refused with a message", async () => {
    await page.fill("#token", "kt_" + "0".repeat(64));
    await page.click("#login-submit");
    await page.waitForSelector("#login-error [role=alert]");
    const inv = await page.getAttribute("#token", "aria-invalid");
    assert(inv === "true", "the field is not marked invalid");
  });

  await step("log in with a caseworker token: the worklist", async () => {
    await page.fill("#token", process.env.TOKEN_CW);
    await page.click("#login-submit");
    await page.waitForSelector("#worklist-table");
    const rows = await page.$$eval("#worklist-table tbody tr", (r) => r.length);
    assert(rows > 0, "no rows in the worklist");
    const counts = await page.$$eval("#worklist .counts li", (l) => l.map((x) => x.textContent));
    assert(counts.length > 0, "no count per status");
    const stored = await page.evaluate(() => sessionStorage.getItem("kontakt.token"));
    assert(stored === process.env.TOKEN_CW || stored, "token not in sessionStorage");
    const ledelseHidden = await page.$eval("#nav-ledelse", (a) => a.parentElement.hidden);
    assert(ledelseHidden, "a caseworker sees Ledelse in the menu");
    await shot(page, "02-arbejdsliste.png");
  });

  await step("filter the worklist by caseworker", async () => {
    await page.fill("#f-cw", "mette");
    await page.selectOption("#f-span", "alle");
    await page.click("form.filters button[type=submit]");
    await page.waitForFunction(() => location.hash.includes("sagsbehandler=mette"));
    await page.waitForSelector("#worklist-table, #worklist .notice.ok");
    const cws = await page.$$eval("#worklist-table tbody tr td:last-child", (t) => [...new Set(t.map((x) => x.textContent))]);
    assert(cws.length === 1 && cws[0] === "mette", "rows of other caseworkers: " + cws.join(","));
  });

  let before = "";
  await step("open a case from the worklist: timeline and plan", async () => {
    await page.click("#worklist-table a[href='#/borger/borger-17']");
    await page.waitForSelector("#plan-table");
    const title = await page.textContent("#case-id");
    assert(title === "borger-17", "case page of " + title);
    const bars = await page.$$eval("#timeline .ob-bar", (b) => b.length);
    const rows = await page.$$eval("#plan-table tbody tr", (r) => r.length);
    assert(bars === rows && rows > 0, `${bars} bars for ${rows} obligations`);
    const marks = await page.$$eval("#timeline .conv-mark", (m) => m.length);
    assert(marks >= 3, "conversations not marked: " + marks);
    const why = await page.$$eval("#plan-table td.why", (t) => t.every((x) => x.textContent.length > 10));
    assert(why, "a row without its why");
    before = await page.textContent("#plan-table");
    await shot(page, "03-borger.png");
  });

  await step("record a conversation: the plan changes at once", async () => {
    await page.fill("#c-date", "2024-05-30");
    await page.selectOption("#c-holder", "jobcenter");
    await page.selectOption("#c-form", "fremmoede");
    await page.click("#c-submit");
    await page.waitForSelector("#saved");
    const after = await page.textContent("#plan-table");
    assert(after !== before, "the plan table did not change");
    const marks = await page.$$eval("#timeline .conv-mark", (m) => m.length);
    assert(marks >= 4, "the new conversation is not on the timeline");
    const focused = await page.evaluate(() => document.activeElement && document.activeElement.id);
    assert(focused === "saved", "focus not on the confirmation but on " + focused);
    await shot(page, "04-borger-efter-samtale.png");
  });

  await step("an invalid event is refused and the field marked", async () => {
    await page.selectOption("#e-type", "barsel");
    await page.fill("#e-from", "2024-07-01");
    await page.fill("#e-to", "2024-06-01");
    await page.click("#e-submit");
    await page.waitForSelector("#event-form [role=alert]");
    await shot(page, "05-haendelse-fejl.png");
  });

  await step("360 px wide: no horizontal scrolling of the page", async () => {
    const small = await newPage({ width: 360, height: 740 });
    await small.goto(BASE + "/");
    await small.evaluate((t) => sessionStorage.setItem("kontakt.token", t), process.env.TOKEN_CW);
    await small.goto(BASE + "/#/borger/borger-17");
    await small.waitForSelector("#plan-table");
    const over = await small.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert(over <= 0, `page ${over} px wider than the screen`);
    await shot(small, "06-borger-360px.png");
    await small.goto(BASE + "/#/arbejdsliste");
    await small.waitForSelector("#worklist-table, #worklist .notice.ok");
    const over2 = await small.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert(over2 <= 0, `worklist ${over2} px wider than the screen`);
    await shot(small, "07-arbejdsliste-360px.png");
    await small.context().close();
  });

  await step("200 % zoom (640 css px of a 1280 px window): no horizontal scrolling", async () => {
    const z = await newPage({ width: 640, height: 450 });
    await z.goto(BASE + "/");
    await z.evaluate((t) => sessionStorage.setItem("kontakt.token", t), process.env.TOKEN_CW);
    await z.goto(BASE + "/#/borger/borger-17");
    await z.waitForSelector("#plan-table");
    const over = await z.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert(over <= 0, `page ${over} px wider at 200 %`);
    await shot(z, "08-borger-200pct.png");
    await z.context().close();
  });

  await step("manager page: timeliness charts with the 80 % line, forecast by week", async () => {
    const m = await newPage();
    await login(m, process.env.TOKEN_MGR);
    const visible = await m.$eval("#nav-ledelse", (a) => !a.parentElement.hidden);
    assert(visible, "a manager does not see Ledelse");
    await m.click("#nav-ledelse");
    await m.waitForSelector("#forecast-chart");
    const charts = await m.$$eval("#timeliness svg.chart", (c) => c.length);
    assert(charts > 0, "no timeliness chart");
    const lines = await m.$$eval("#timeliness .target", (c) => c.length);
    assert(lines === charts, "a chart without the 80 % line");
    const bars = await m.$$eval("#forecast-chart .bar", (b) => b.length);
    assert(bars > 0, "no forecast bars");
    await shot(m, "09-ledelse.png");
    await m.context().close();
  });

  await step("log out", async () => {
    await page.click("#logout");
    await page.waitForSelector("#token");
    const stored = await page.evaluate(() => sessionStorage.getItem("kontakt.token"));
    assert(stored === null, "the token is still stored");
  });

  await step("no script errors", async () => {
    assert(errors.length === 0, errors.join(" | "));
  });
} finally {
  await browser.close();
}
console.log(`browser: ${passed} passed, ${failed} failed (screenshots in ${ART})`);
process.exit(failed ? 1 : 0);
