#!/usr/bin/env python3
"""Opens Assay passport pages in headless Chromium (Debian's chromium and chromium-driver, driven
through Selenium) and reports what the page's own check concluded.

Usage: browser-check.py JOBS.json  — JOBS is a list of
  {"url": "...", "lang": "en"|"de", "width": 390, "height": 844, "screenshot": "out.png", "fullPage": true,
   "javascript": false (optional: scripts off), "timeout": seconds to wait for the check (default 60),
   "keyboard": true (optional: press Tab "tabs" times and report what took focus)}
Prints one JSON list with, per job: verification ("verified" | "failed" | "unchecked"), the
document language, the visible status line, the visible h1, the verified witnesses, the texts of
the bound facts shown ([{seq, path, value, text}]), and the screenshot path written. Exits 2 when
the browser cannot be started (with the reason on stderr)."""
import json, os, sys, time

def main():
    jobs = json.load(open(sys.argv[1]))
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.options import Options
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        print("selenium is not installed: python3 -m pip install selenium", file=sys.stderr)
        return 2
    os.environ.setdefault("SE_OFFLINE", "true")
    chromium = os.environ.get("ASSAY_CHROMIUM", "/usr/bin/chromium")
    driver_path = os.environ.get("ASSAY_CHROMEDRIVER", "/usr/bin/chromedriver")
    for p, pkg in ((chromium, "chromium"), (driver_path, "chromium-driver")):
        if not os.path.exists(p):
            print(f"{p} not found: apt-get install {pkg}", file=sys.stderr)
            return 2
    results, drivers = [], {}
    try:
        for job in jobs:
            lang = job.get("lang", "en")
            js = job.get("javascript", True)
            key = (lang, js)
            if key not in drivers:
                o = Options()
                for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                          "--no-first-run", "--disable-extensions", f"--lang={lang}"):
                    o.add_argument(a)
                prefs = {"intl.accept_languages": lang}
                if not js:
                    prefs["profile.managed_default_content_settings.javascript"] = 2
                o.add_experimental_option("prefs", prefs)
                o.binary_location = chromium
                try:
                    drivers[key] = webdriver.Chrome(service=Service(driver_path), options=o)
                except Exception as e:  # the reason, on one line
                    print("cannot start headless chromium: " + " ".join(str(e).split()), file=sys.stderr)
                    return 2
            d = drivers[key]
            d.set_window_size(job.get("width", 1280), job.get("height", 900))
            d.get(job["url"])
            state = "unchecked"
            deadline = time.time() + float(job.get("timeout", 60))
            while time.time() < deadline:
                state = d.execute_script("return document.documentElement.getAttribute('data-verification')")
                if state in ("verified", "failed"):
                    break
                time.sleep(0.05)
            info = d.execute_script("""
              const b = document.querySelector('.lang-block:not([hidden])') || document;
              const q = s => { const e = b.querySelector(s); return e ? e.textContent.trim() : null; };
              return {lang: document.documentElement.lang, status: q('[data-status]'), h1: q('h1'),
                      productStatus: (b.querySelector('[data-product-status]') || {}).textContent || null,
                      principles: [...b.querySelectorAll('[data-principle]')].map(e => [e.dataset.principle, e.dataset.verdict]),
                      witnesses: (window.assayVerification && window.assayVerification.witnesses) || [],
                      problems: (window.assayVerification && window.assayVerification.problems) || [],
                      bound: [...b.querySelectorAll('[data-seq][data-path]')].map(e => ({seq: e.dataset.seq, path: e.dataset.path,
                               value: e.dataset.value, text: e.textContent.trim()})),
                      treeNodes: b.querySelectorAll('svg.parts g.node').length,
                      contrast: lowContrast(b), unnamed: unnamedControls(b), headings: headingOrder(b)};
              // WCAG 2.2 1.4.3: every visible text against the background it is drawn on (the first
              // ancestor with an opaque background), 4.5:1, or 3:1 for large text.
              function lowContrast(scope) {
                const rgb = c => (c.match(/[\d.]+/g) || []).map(Number);
                const lum = ([r, g, b]) => [r, g, b].map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
                  .reduce((a, v, i) => a + v * [0.2126, 0.7152, 0.0722][i], 0);
                const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
                const background = el => { for (let e = el; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor);
                  if (c.length === 3 || (c.length === 4 && c[3] === 1)) return c.slice(0, 3); } return [255, 255, 255]; };
                const out = [];
                for (const el of scope.querySelectorAll('*')) {
                  if (el.closest('svg') || !el.offsetParent && el.tagName !== 'BODY') continue;
                  if (![...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
                  const st = getComputedStyle(el), size = parseFloat(st.fontSize), bold = Number(st.fontWeight) >= 700;
                  const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
                  const r = ratio(rgb(st.color).slice(0, 3), background(el));
                  if (r < need) out.push({text: el.textContent.trim().slice(0, 40), ratio: Math.round(r * 100) / 100, need});
                }
                return out;
              }
              // Buttons, links and the drawing have an accessible name.
              function unnamedControls(scope) {
                return [...scope.querySelectorAll('a, button, svg')].filter(e => e.offsetParent || e.tagName === 'svg')
                  .filter(e => !(e.textContent.trim() || e.getAttribute('aria-label') || e.getAttribute('aria-labelledby')))
                  .map(e => e.outerHTML.slice(0, 60));
              }
              // Headings never skip a level.
              function headingOrder(scope) {
                const levels = [...scope.querySelectorAll('h1, h2, h3, h4')].map(h => Number(h.tagName[1]));
                return levels.every((l, i) => i === 0 ? l === 1 : l <= levels[i - 1] + 1);
              }""")
            if job.get("keyboard"):
                # Tab through the page as a keyboard user would: what receives focus, in order,
                # and whether each focused element shows a visible outline.
                from selenium.webdriver.common.keys import Keys
                from selenium.webdriver.common.action_chains import ActionChains
                d.execute_script("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0)")
                seen = []
                for _ in range(int(job.get("tabs", 40))):
                    ActionChains(d).send_keys(Keys.TAB).perform()
                    seen.append(d.execute_script("""const e = document.activeElement; const st = getComputedStyle(e);
                      return {tag: e.tagName, text: (e.textContent || '').trim().slice(0, 40),
                              outline: st.outlineStyle !== 'none' && parseFloat(st.outlineWidth) >= 2};"""))
                info["focus"] = seen
            info["verification"] = state
            info["url"] = job["url"]
            if job.get("screenshot"):
                full = d.execute_script("return Math.max(document.body.scrollHeight, document.documentElement.scrollHeight)")
                d.set_window_size(job.get("width", 1280), min(int(full) + 40, 8000) if job.get("fullPage") else job.get("height", 900))
                d.save_screenshot(job["screenshot"])
                info["screenshot"] = job["screenshot"]
            results.append(info)
    finally:
        for d in drivers.values():
            d.quit()
    print(json.dumps(results))
    return 0

if __name__ == "__main__":
    sys.exit(main())
