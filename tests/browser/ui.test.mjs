// ui.test.mjs -- the kontakt web UI in headless chromium (playwright-core).
// Run by tests/cli-browser.sh, which starts the server and passes BASE,
// TOKEN_CW, TOKEN_MGR, CHROMIUM and ARTIFACTS. Ends with "N passed, N failed".
import { chromium } from "playwright-core";
import { mkdirSync, readFileSync } from "node:fs";
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
// The server's English texts: from server/*.c (cli-browser.sh), and every
// title, detail and problem message of a problem+json answer seen.
const ENGLISH = new Set(process.env.ENGLISH ? JSON.parse(readFileSync(process.env.ENGLISH, "utf8")) : []);
const notFound = [];
function collectProblem(res) {
  if (!/problem\+json/.test(res.headers()["content-type"] || "")) return;
  res.json().then((d) => {
    for (const t of [d.title, d.detail]) if (t && t.length >= 8) ENGLISH.add(t);
    for (const q of d.problems || []) {
      if (q.message && q.message.length >= 8) ENGLISH.add(q.message);
      if (q.expected && q.expected.length >= 8) ENGLISH.add(q.expected);
    }
  }).catch(() => {});
}
let scanned = 0;
async function noEnglish(page, where) {
  await page.waitForTimeout(50); // let collectProblem read the last answers
  const text = await page.evaluate(() => document.body.innerText);
  const hits = [...ENGLISH].filter((e) => text.includes(e));
  scanned++;
  assert(hits.length === 0, `${where} shows the server's English: ${hits.slice(0, 3).join(" | ")}`);
}
async function newPage(viewport) {
  const ctx = await browser.newContext({ viewport: viewport || { width: 1280, height: 900 }, locale: "da-DK" });
  const page = await ctx.newPage();
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error" && !/401|403|404|422|501/.test(m.text())) errors.push(m.text()); });
  page.on("response", (res) => {
    collectProblem(res);
    if (res.status() === 404 && !/\/v1\//.test(res.url())) notFound.push(res.url());
  });
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
    await noEnglish(page, "the login error");
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

  await step("the default worklist shows this week's work first, with whole-list counts and paging", async () => {
    // what the server has due this week (as_of .. as_of + 7) for this token
    const api = await page.evaluate(async () => {
      const r = await fetch("/v1/worklist", { headers: { Authorization: "Bearer " + sessionStorage.getItem("kontakt.token") } });
      return r.json();
    });
    const due = api.items.filter((i) => i.status === "open");
    assert(api.counts.open > 0, "the test store has no work due this week");
    await page.goto(BASE + "/#/arbejdsliste");
    await page.waitForSelector("#worklist-table");
    const rows = await page.$$eval("#worklist-table tbody tr", (r) => r.map((x) => [x.dataset.status, x.querySelector("a").textContent]));
    assert(rows.length > 0 && rows[0][0] === "open", "the first row is not work due this week: " + JSON.stringify(rows[0]));
    for (const i of due.slice(0, 5))
      assert(rows.some((r) => r[1] === i.case), "due this week but not shown: " + i.case + " " + i.rule);
    const counts = await page.$$eval("#wl-counts li strong", (l) => l.map((x) => x.textContent.replace(/\D/g, "")));
    assert(counts[0] === String(api.counts.open) && counts[1] === String(api.counts.overdue), "counts " + counts + " vs " + JSON.stringify(api.counts));
    await noEnglish(page, "Arbejdsliste");
  });

  await step("leaving the worklist at once: no error from its late answers", async () => {
    for (let i = 0; i < 5; i++) {
      await page.evaluate(() => { location.hash = "#/arbejdsliste?periode=alle"; });
      await page.evaluate(() => { location.hash = "#/borger"; });
    }
    await page.waitForSelector("#b-case");
    await page.waitForTimeout(500);
    assert(!errors.some((e) => /replaceChildren|null/.test(e)), errors.join(" | "));
  });

  await step("filter the worklist by caseworker", async () => {
    await page.goto(BASE + "/#/arbejdsliste");
    await page.waitForSelector("#worklist-table, #worklist .notice.ok");
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
    await noEnglish(page, "the refused event");
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
    // the plan as cards: nothing to scroll sideways, deadline and reason on screen
    const fit = await small.evaluate(() => {
      const wrap = document.querySelector("#plan .table-wrap");
      const row = document.querySelector("#plan-table tbody tr");
      const r = (sel) => row.querySelector(sel).getBoundingClientRect();
      return { scroll: wrap.scrollWidth - wrap.clientWidth, deadline: r("td.deadline").right, why: r("td.why").right, vw: window.innerWidth,
        label: getComputedStyle(row.querySelector("td.why"), "::before").content };
    });
    assert(fit.scroll <= 0, `the plan table scrolls ${fit.scroll} px sideways`);
    assert(fit.deadline <= fit.vw && fit.why <= fit.vw, `deadline (${fit.deadline}) or reason (${fit.why}) off a ${fit.vw} px screen`);
    assert(/Hvorfor/.test(fit.label), "a stacked cell does not say what it is: " + fit.label);
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
    const titles = await m.$$eval("#timeliness h3", (t) => t.map((x) => x.textContent));
    assert(titles.length && titles.every((t) => /^[A-ZÆØÅ][a-zæøå]+/.test(t) && !/^(dp|kh|uh|sdp|rev|fp|rf|ly|amy)$/.test(t)), "chart titles: " + titles.join(","));
    await noEnglish(m, "Ledelse");
    await shot(m, "09-ledelse.png");
    await m.context().close();
  });

  await step("Planlægning: a week per caseworker; book a proposal with one click; it is booked, in the caseworker's calendar and on the worklist", async () => {
    const p = await newPage();
    await login(p, process.env.TOKEN_CW);
    await p.click('#nav a[data-view="planlaegning"]');
    await p.waitForSelector("table.week, #plan .notice");
    let buttons = await p.$$("table.week button.book");
    if (!buttons.length) { // nothing to book this week: the next
      await p.click("text=Næste uge");
      await p.waitForSelector("table.week");
      buttons = await p.$$("table.week button.book");
    }
    assert(buttons.length > 0, "no proposal to book");
    const label = await buttons[0].getAttribute("aria-label");
    const m = /med (\S+) /.exec(label);
    assert(m, "book button label: " + label);
    const caseId = m[1];
    const cw = await buttons[0].evaluate((b) => b.closest("tr").querySelector("th").textContent);
    await buttons[0].click();
    await p.waitForFunction((id) => [...document.querySelectorAll("ul.plan li.booked a")].some((a) => a.textContent === id), caseId);
    const summary = await p.$eval("#plan", (e) => e.innerText);
    assert(/booket/.test(summary), "the summary does not count the booking");
    const ics = await p.evaluate(async (cwid) => {
      const r = await fetch("/v1/caseworkers/" + encodeURIComponent(cwid) + "/calendar.ics",
        { headers: { Authorization: "Bearer " + sessionStorage.getItem("kontakt.token") } });
      return r.status + " " + (await r.text());
    }, cw);
    assert(ics.startsWith("200 ") && ics.includes(caseId), "the booking is not in " + cw + "'s calendar");
    // and on the worklist: the case's conversation duties are marked booked
    await p.goto(BASE + "/#/arbejdsliste?sagsbehandler=" + encodeURIComponent(cw) + "&periode=alle");
    await p.waitForSelector("#worklist table, #worklist .notice.ok");
    await p.waitForFunction((id) => [...document.querySelectorAll("#worklist-table tr")].some((tr) => tr.dataset.case === id && tr.querySelector(".booked")), caseId);
    await noEnglish(p, "Planlægning");
    await shot(p, "16-planlaegning.png");
    await p.context().close();
  });

  await step("Planlægning at 360 px, by keyboard: move a booked conversation to another day and caseworker (Flyt), then cancel it (Aflys, confirmed); the week view shows each change", async () => {
    const p = await newPage({ width: 360, height: 800 });
    await login(p, process.env.TOKEN_CW);
    await p.goto(BASE + "/#/planlaegning?uge=1");
    await p.waitForSelector("table.week");
    if (!(await p.$("table.week button.move"))) { // nothing booked this week: book a proposal
      await p.click("table.week button.book");
      await p.waitForSelector("table.week button.move");
    }
    const moveBtn = await p.$("table.week button.move");
    const was = await moveBtn.evaluate((b) => ({
      seq: b.closest("li").dataset.seq, caseId: b.closest("li").dataset.case,
      date: b.closest("td").dataset.date, cw: b.closest("tr").dataset.caseworker,
    }));
    assert(was.seq && was.caseId && was.date && was.cw, "the booked entry has no number, case, day or caseworker: " + JSON.stringify(was));
    // the target: an open day of another caseworker if there is one, else another day
    const to = await p.evaluate((w) => {
      const cells = [...document.querySelectorAll("table.week td[data-date]:not(.closed)")]
        .map((td) => ({ date: td.dataset.date, cw: td.closest("tr").dataset.caseworker }))
        .filter((c) => c.date !== w.date);
      return cells.find((c) => c.cw !== w.cw) || cells[0];
    }, was);
    assert(to, "no other open day in the week");
    // by keyboard: focus Flyt, Enter opens the dialog with the day field focused
    await moveBtn.focus();
    await p.keyboard.press("Enter");
    await p.waitForSelector("dialog.plan-dialog[open]");
    assert(await p.evaluate(() => document.activeElement.id) === "flyt-dato", "the day field has no focus");
    const box = await p.$eval("dialog.plan-dialog", (d) => { const r = d.getBoundingClientRect(); return { left: r.left, right: r.right, w: window.innerWidth }; });
    assert(box.left >= 0 && box.right <= box.w, "the dialog does not fit 360 px: " + JSON.stringify(box));
    assert(/Ny dag/.test(await p.textContent("dialog.plan-dialog")), "no label Ny dag");
    await shot(p, "17-planlaegning-flyt.png");
    await p.fill("#flyt-dato", to.date);
    await p.fill("#flyt-cw", to.cw);
    await p.focus("#flyt-cw");
    await p.keyboard.press("Enter"); // submits the form
    const moved = `table.week tr[data-caseworker="${to.cw}"] td[data-date="${to.date}"] li.booked[data-seq="${was.seq}"]`;
    await p.waitForSelector(moved);
    assert(!(await p.$(`table.week tr[data-caseworker="${was.cw}"] td[data-date="${was.date}"] li[data-seq="${was.seq}"]`)), "the booking is still on its old day");
    assert(/er flyttet til/.test(await p.textContent("#plan .notice.ok")), "no Danish confirmation of the move");
    const listed = async () => p.evaluate(async () => {
      const r = await fetch("/v1/bookings", { headers: { Authorization: "Bearer " + sessionStorage.getItem("kontakt.token") } });
      return (await r.json()).bookings;
    });
    const b = (await listed()).find((x) => String(x.seq) === was.seq);
    assert(b && b.date === to.date && b.caseworker === to.cw, "GET /v1/bookings after the move: " + JSON.stringify(b));
    // Aflys: a confirmation; Escape keeps the booking, focus back on Aflys
    const cancelSel = moved + " button.cancel";
    await p.focus(cancelSel);
    await p.keyboard.press("Enter");
    await p.waitForSelector("dialog.plan-dialog[open]");
    assert(/Vil du aflyse samtalen med/.test(await p.textContent("dialog.plan-dialog")), "no confirmation question");
    await p.keyboard.press("Escape");
    await p.waitForSelector("dialog.plan-dialog", { state: "detached" });
    assert(await p.$(moved), "Escape cancelled the booking");
    assert(await p.evaluate(() => document.activeElement.classList.contains("cancel")), "focus did not return to Aflys");
    await p.keyboard.press("Enter");
    await p.waitForSelector("dialog.plan-dialog[open]");
    await p.click("dialog.plan-dialog button.danger");
    await p.waitForSelector(`table.week li[data-seq="${was.seq}"]`, { state: "detached" });
    assert(/er aflyst/.test(await p.textContent("#plan .notice.ok")), "no Danish confirmation of the cancel");
    assert(!(await listed()).some((x) => String(x.seq) === was.seq), "the cancelled booking is still listed");
    const overflowX = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert(overflowX <= 0, "the page scrolls sideways at 360 px by " + overflowX);
    await noEnglish(p, "Planlægning (flyt, aflys)");
    await shot(p, "18-planlaegning-aflyst.png");
    await p.context().close();
  });

  /* ---- the law of 2026 (second server, g2026 store, today 2027-01-15) ---- */
  const Q = process.env.QBASE;
  async function qpage(token, viewport) {
    const p = await newPage(viewport);
    await p.goto(Q + "/");
    await p.evaluate((t) => sessionStorage.setItem("kontakt.token", t), token);
    return p;
  }
  const rowStatus = (p, rule) => p.$eval(`#plan-table tr[data-rule="${rule}"]`, (r) => r.dataset.status);
  const overflow = (p) => p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

  await step("g2026 marks on Borger: reached by keyboard, explained on focus and on hover", async () => {
    const b = await qpage(process.env.QTOKEN_CW);
    await b.goto(Q + "/#/borger/u1");
    await b.waitForSelector("#plan-table");
    const row = '#plan-table tr[data-rule="all.four_in_six_75"]';
    assert(await b.$(row + " .mark.quota"), "all.four_in_six_75 has no 75 %-regel mark");
    assert(await b.$(row + " .mark.provisional"), "all.four_in_six_75 has no foreløbig mark");
    const label = await b.textContent(row + " .mark.quota");
    assert(label === "75 %-regel", "the mark says " + label);
    // by keyboard: Tab from the ics button until a mark has focus
    await b.focus("#ics");
    let cls = "";
    for (let i = 0; i < 40 && !/mark/.test(cls); i++) {
      await b.keyboard.press("Tab");
      cls = await b.evaluate(() => document.activeElement.className);
    }
    assert(/mark/.test(cls), "no mark reached by Tab");
    const tip = await b.evaluate(() => {
      const m = document.activeElement;
      const t = document.getElementById(m.getAttribute("aria-describedby"));
      const r = t.getBoundingClientRect();
      return { visible: getComputedStyle(t).display !== "none" && r.height > 0, text: t.textContent, role: t.getAttribute("role") };
    });
    assert(tip.visible, "the explanation is not shown on focus");
    assert(tip.role === "tooltip" && /75 %|lovteksten/.test(tip.text), "explanation: " + tip.text);
    await shot(b, "10-g2026-maerke-fokus.png");
    await b.keyboard.press("Escape");
    const hidden = await b.evaluate(() => getComputedStyle(document.getElementById(document.activeElement.getAttribute("aria-describedby"))).display === "none");
    assert(hidden, "Escape does not hide the explanation");
    await b.mouse.move(0, 0);
    await b.hover(row + " .mark.provisional");
    const hv = await b.$eval(row + " .mark.provisional + .tip", (t) => getComputedStyle(t).display !== "none" && t.textContent);
    assert(hv && /lovteksten/.test(hv), "no explanation on hover");
    await b.context().close();
  });

  await step("g2026 on Planlægning: a proposal for a quota duty carries the 75 %-regel and foreløbig marks", async () => {
    const b = await qpage(process.env.QTOKEN_CW);
    await b.goto(Q + "/#/planlaegning");
    await b.waitForSelector("table.week, #plan .notice");
    let li = await b.$("ul.plan li .mark.provisional");
    for (let w = 0; !li && w < 5; w++) { // the first week with such a proposal
      await b.click("text=Næste uge");
      await b.waitForSelector("table.week");
      li = await b.$("ul.plan li .mark.provisional");
    }
    assert(li, "no proposal says its rule is provisional");
    const item = await li.evaluate((m) => m.closest("li").innerText);
    assert(/75 %-regel/.test(item) && /foreløbig/.test(item), "the proposal's marks: " + item);
    await noEnglish(b, "Planlægning (g2026)");
    await b.context().close();
  });

  await step("undtaget efter konkret vurdering: record, then Tilbagekald; the plan follows", async () => {
    const b = await qpage(process.env.QTOKEN_CW);
    await b.goto(Q + "/#/borger/u1");
    await b.waitForSelector("#undtaget-form");
    assert((await rowStatus(b, "all.four_in_six_75")) === "open", "not open before");
    const legend = await b.textContent("#undtaget-form legend");
    assert(legend === "Undtaget efter konkret vurdering", "legend " + legend);
    await b.selectOption("#uk-holder", "jobcenter");
    await b.fill("#uk-date", "2026-11-03");
    await b.click("#uk-submit");
    await b.waitForSelector("#saved");
    assert((await rowStatus(b, "all.four_in_six_75")) === "exempt", "not exempt after recording");
    const li = await b.textContent("#uk-list li");
    assert(/Jobcentret: undtaget fra 3\.11\.2026/.test(li), "decision listed as " + li);
    await shot(b, "11-undtaget-registreret.png");
    await b.fill("#uk-to-0", "2027-01-10");
    await b.click("#uk-revoke-0");
    await b.waitForFunction(() => /tilbagekaldt/.test(document.getElementById("saved") && document.getElementById("saved").textContent));
    assert((await rowStatus(b, "all.four_in_six_75")) === "open", "not open after revoking");
    const li2 = await b.textContent("#uk-list li");
    assert(/tilbagekaldt fra 10\.1\.2027/.test(li2), "revocation listed as " + li2);
    const focused = await b.evaluate(() => document.activeElement && document.activeElement.id);
    assert(focused === "saved", "focus not on the confirmation");
    const n = await b.$$eval("#uk-list li", (l) => l.length);
    assert(n === 1, "the revocation made a second decision: " + n);
    await noEnglish(b, "Borger after a revocation");
    await shot(b, "12-undtaget-tilbagekaldt.png");
    // and undone: the decision holds again
    await b.click("#uk-reinstate-0");
    await b.waitForFunction(() => /gælder igen/.test(document.getElementById("saved") && document.getElementById("saved").textContent));
    assert((await rowStatus(b, "all.four_in_six_75")) === "exempt", "not exempt after undoing the revocation");
    await b.context().close();
  });

  await step("g2026 marks on the Arbejdsliste", async () => {
    const w = await qpage(process.env.QTOKEN_CW);
    await w.goto(Q + "/#/arbejdsliste?periode=alle");
    await w.waitForSelector("#worklist-table");
    const marks = await w.$$eval("#worklist-table .mark", (m) => m.map((x) => x.textContent));
    assert(marks.includes("75 %-regel") && marks.includes("foreløbig"), "marks: " + marks.join(","));
    const tabbable = await w.$eval("#worklist-table .mark.quota", (m) => m.tabIndex === 0 && !!document.getElementById(m.getAttribute("aria-describedby")));
    assert(tabbable, "the worklist's mark is not focusable or not described");
    await noEnglish(w, "the g2026 Arbejdsliste");
    await w.context().close();
  });

  await step("Ledelse: the 75 % per a-kasse and kommune group, the 25 % ceiling, flags, foreløbig", async () => {
    const m = await qpage(process.env.QTOKEN_MGR);
    await m.goto(Q + "/#/ledelse");
    await m.waitForSelector("#quota .quota-chart");
    const figs = await m.$$eval("#quota figure", (f) => f.map((x) => [x.dataset.population, x.dataset.unit, x.dataset.group].join("/")));
    const want = ["a_kasse/ak-1/", "a_kasse/ukendt/", "kommune/jc-A/", "kommune/jc-A/dp", "kommune/jc-A/kh"];
    assert(JSON.stringify(figs) === JSON.stringify(want), "charts: " + figs.join(" "));
    const lines = await m.$$eval("#quota .quota-chart", (c) => c.every((x) => x.querySelector(".target") && x.querySelector(".ceiling")));
    assert(lines, "a chart without the 75 % line or the 25 % ceiling");
    const flag = await m.$eval('#quota figure[data-unit="ak-1"] .flag', (f) => f.textContent);
    assert(flag === "Over 25 % undtaget", "ak-1 flag: " + flag);
    const head = await m.textContent("#q-h");
    assert(/foreløbig opgørelse/.test(head), "the section is not marked foreløbig: " + head);
    const text = await m.textContent("#quota");
    assert(!/undtaget_over_25|under_75|quota_75/.test(text), "internal codes shown");
    await noEnglish(m, "the g2026 Ledelse");
    await shot(m, "13-ledelse-75.png");
    await m.context().close();
  });

  await step("360 px: the g2026 form, marks and charts fit; a focused mark's explanation stays on screen", async () => {
    const s = await qpage(process.env.QTOKEN_MGR, { width: 360, height: 740 });
    await s.goto(Q + "/#/borger/u1");
    await s.waitForSelector("#undtaget-form");
    assert((await overflow(s)) <= 0, "Borger wider than 360 px");
    await s.focus("#plan-table .mark.quota");
    const r = await s.evaluate(() => {
      const t = document.getElementById(document.activeElement.getAttribute("aria-describedby")).getBoundingClientRect();
      return { left: t.left, right: t.right, vw: window.innerWidth };
    });
    await shot(s, "14-g2026-borger-360px.png");
    const wrapR = await s.$eval("#plan .table-wrap", (w) => w.getBoundingClientRect().right);
    assert(r.left >= 0 && r.right - r.left <= r.vw, `explanation ${r.left}..${r.right} at 360 px`);
    assert(wrapR <= r.vw, "plan box wider than the screen");
    const form = await s.$eval("#undtaget-form", (f) => f.getBoundingClientRect().right);
    assert(form <= 360, "the form is wider than the screen");
    await s.goto(Q + "/#/ledelse");
    await s.waitForSelector("#quota .quota-chart");
    assert((await overflow(s)) <= 0, "Ledelse wider than 360 px");
    await shot(s, "15-ledelse-75-360px.png");
    await s.context().close();
  });

  await step("a case of another jobcentre and an unknown case: told in Danish", async () => {
    await page.goto(BASE + "/#/borger/odense-1");
    await page.waitForSelector("#main [role=alert]");
    const t1 = await page.textContent("#main [role=alert]");
    assert(/andet jobcenter/.test(t1), "403 says " + t1);
    await noEnglish(page, "a case of another jobcentre");
    await page.goto(BASE + "/#/borger/findes-ikke");
    await page.waitForSelector("#main [role=alert]");
    await noEnglish(page, "an unknown case");
  });

  await step("one date format: no ISO dates in the text of Borger and the worklist", async () => {
    await page.goto(BASE + "/#/borger/borger-17");
    await page.waitForSelector("#plan-table");
    const iso = await page.evaluate(() => (document.querySelector("#main").innerText.match(/\b\d{4}-\d{2}-\d{2}\b/g) || []));
    assert(iso.length === 0, "ISO dates shown: " + iso.slice(0, 3).join(", "));
    await noEnglish(page, "Borger");
    const seed = await page.$eval("#plan-table td.source", (td) => ({ law: (td.querySelector(".law") || {}).textContent || "", hidden: !td.querySelector("details.kilde") || !td.querySelector("details.kilde").open }));
    assert(seed.hidden, "the seed file is shown without opening kilde");
  });

  await step("log out", async () => {
    await page.click("#logout");
    await page.waitForSelector("#token");
    const stored = await page.evaluate(() => sessionStorage.getItem("kontakt.token"));
    assert(stored === null, "the token is still stored");
  });

  await step("no script errors, no 404 (favicon), every page scanned for English", async () => {
    assert(errors.length === 0, errors.join(" | "));
    assert(notFound.length === 0, "404: " + notFound.join(", "));
    assert(scanned >= 10 && ENGLISH.size > 20, `scanned ${scanned} pages for ${ENGLISH.size} English texts`);
  });
} finally {
  await browser.close();
}
console.log(`browser: ${passed} passed, ${failed} failed (screenshots in ${ART})`);
process.exit(failed ? 1 : 0);
