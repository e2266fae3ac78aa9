// Assay passport page: picks the reader's language, runs AssayVerifier (verifier.js) on the
// embedded bundle with the pinned keys, checks every value the page shows against the signed
// entry it names, and only then marks the page verified. Nothing here talks to a network.
(function () {
  "use strict";
  var root = document.documentElement;
  var strings = JSON.parse(document.getElementById("assay-strings").textContent);
  var lang = "en";

  function t(key, args) {
    var s = (strings[lang] && strings[lang][key]) || strings.en[key] || key;
    (args || []).forEach(function (a, i) { s = s.split("{" + i + "}").join(String(a)); });
    return s;
  }

  function pickLanguage() {
    var prefs = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || "en"];
    for (var i = 0; i < prefs.length; i++) {
      var p = String(prefs[i] || "").slice(0, 2).toLowerCase();
      if (strings[p] && document.querySelector('.lang-block[data-lang="' + p + '"]')) return p;
    }
    return "en";
  }

  var lastStatus = { state: "unchecked", key: "unchecked", args: [] };

  function show(l) {
    lang = l;
    root.lang = l;
    document.querySelectorAll(".lang-block").forEach(function (b) { b.hidden = b.getAttribute("data-lang") !== l; });
    document.querySelectorAll("[data-set-lang]").forEach(function (b) {
      b.hidden = false;
      b.setAttribute("aria-pressed", String(b.getAttribute("data-set-lang") === l));
    });
    setStatus(lastStatus.state, lastStatus.key, lastStatus.args);
    renderBound();
  }

  function setStatus(state, key, args) {
    lastStatus = { state: state, key: key, args: args || [] };
    root.setAttribute("data-verification", state);
    document.querySelectorAll("[data-status]").forEach(function (el) {
      var block = el.closest(".lang-block");
      var l = block ? block.getAttribute("data-lang") : lang;
      var saved = lang; lang = l;
      el.textContent = t(key, args);
      lang = saved;
    });
  }

  // --- Signed values -------------------------------------------------------------------------

  function b64(s) {
    var bin = atob(s), out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }

  // seq → statement JSON, decoded from the record bytes (FORMAT.md §3: 17 header bytes, then
  // the canonical envelope; its payload is the statement).
  function statements(bundle) {
    var out = {};
    (bundle.entries || []).forEach(function (e) {
      var rec = b64(e.record);
      var env = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(rec.subarray(17)));
      out[e.seq] = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(b64(env.payload)));
    });
    return out;
  }

  // `a.b[0].c` (member names as written) → the value, or undefined.
  function at(value, path) {
    var re = /([^.[\]]+)|\[(\d+)\]/g, m, v = value;
    while ((m = re.exec(path)) !== null) {
      if (v === null || typeof v !== "object") return undefined;
      v = m[1] !== undefined ? (Array.isArray(v) ? undefined : v[m[1]]) : (Array.isArray(v) ? v[Number(m[2])] : undefined);
      if (v === undefined) return undefined;
    }
    return v;
  }

  function asText(v) {
    if (v === null) return "null";
    if (typeof v === "object") return Array.isArray(v) ? (v.length ? undefined : "[]") : (Object.keys(v).length ? undefined : "{}");
    return String(v);
  }

  var signed = null;  // seq → statement, once the bundle verified

  function formatted(el, value) {
    var f = el.getAttribute("data-format");
    var block = el.closest(".lang-block");
    var l = block ? block.getAttribute("data-lang") : lang;
    try {
      if (f === "date" && /^\d{4}-\d{2}-\d{2}/.test(value)) {
        return new Intl.DateTimeFormat(l === "en" ? "en-GB" : l, { year: "numeric", month: "long", day: "numeric", timeZone: "UTC" })
          .format(new Date(value.slice(0, 10) + "T00:00:00Z"));
      }
      if (f === "country" && /^[A-Za-z]{2}$/.test(value) && typeof Intl.DisplayNames === "function") {
        var name = new Intl.DisplayNames([l], { type: "region" }).of(value.toUpperCase());
        if (name) return name;
      }
    } catch (e) { /* fall through: the value as signed */ }
    return value;
  }

  // Every element bound to a signed value: the value the page claims must be the signed one.
  function checkBound() {
    var els = document.querySelectorAll("[data-seq][data-path]");
    for (var i = 0; i < els.length; i++) {
      var el = els[i], seq = el.getAttribute("data-seq"), path = el.getAttribute("data-path");
      var claimed = el.getAttribute("data-value");
      var st = signed[seq];
      var raw = st === undefined ? undefined : at(st, path);
      var actual = asText(raw);
      if (actual === undefined) return t("factMismatch", [claimed, seq, "—"]);
      // A number is signed as a literal (1.50, 1E3) that JSON.parse does not keep: the claim must
      // be a JSON number literal of the same value.
      var same = typeof raw === "number"
        ? /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(claimed) && Number(claimed) === raw
        : actual === claimed;
      if (!same) return t("factMismatch", [claimed, seq, actual]);
      if (el.getAttribute("data-format") === "link" && el.getAttribute("href") !== actual) return t("factMismatch", [el.getAttribute("href"), seq, actual]);
    }
    return null;
  }

  // Shows each bound value from the signed entry itself, not from the text the page was sent with.
  function renderBound() {
    if (!signed) return;
    document.querySelectorAll("[data-seq][data-path]").forEach(function (el) {
      var raw = at(signed[el.getAttribute("data-seq")], el.getAttribute("data-path"));
      // Numbers: the literal as signed (checked equal in value above), not JavaScript's rendering.
      var v = typeof raw === "number" ? el.getAttribute("data-value") : asText(raw);
      if (v !== undefined && el.getAttribute("data-format") !== "link") el.textContent = formatted(el, v);
    });
    var today = new Date().toISOString().slice(0, 10);
    document.querySelectorAll("[data-until]").forEach(function (el) {
      var block = el.closest(".lang-block");
      var saved = lang; lang = block ? block.getAttribute("data-lang") : lang;
      var until = el.getAttribute("data-until");
      el.textContent = until <= today ? t("ended") : t("left", [remaining(today, until)]);
      lang = saved;
    });
  }

  function remaining(from, to) {
    if (to <= from) return t("ended");
    var a = from.split("-").map(Number), b = to.split("-").map(Number);
    var months = (b[0] - a[0]) * 12 + (b[1] - a[1]) - (b[2] < a[2] ? 1 : 0);
    function count(n, unit) { return t(n === 1 ? unit : unit + "s", [n]); }
    if (months < 1) {
      return count(Math.round((Date.UTC(b[0], b[1] - 1, b[2]) - Date.UTC(a[0], a[1] - 1, a[2])) / 86400000), "day");
    }
    var y = Math.floor(months / 12), m = months % 12, parts = [];
    if (y) parts.push(count(y, "year"));
    if (m) parts.push(count(m, "month"));
    return parts.join(" ");
  }

  // --- The check -----------------------------------------------------------------------------

  async function ed25519Available() {
    try {
      await crypto.subtle.importKey("raw", new Uint8Array(32), { name: "Ed25519" }, false, ["verify"]);
      return true;
    } catch (e) {
      return !(e && e.name === "NotSupportedError");
    }
  }

  async function run() {
    setStatus("unchecked", "checking");
    if (!window.crypto || !crypto.subtle || typeof AssayVerifier === "undefined" || !(await ed25519Available())) {
      setStatus("unchecked", "unsupported");
      return;
    }
    var text = document.getElementById("assay-bundle").textContent, bundle, trust;
    try {
      trust = JSON.parse(document.getElementById("assay-trust").textContent);
    } catch (e) {
      setStatus("failed", "failed", ["the embedded trust anchors are not JSON"]);
      return;
    }
    var result;
    try {
      // The text, not a parsed value: the verifier parses it as Assay does (duplicate names refused).
      result = await AssayVerifier.verifyBundle(text, trust);
    } catch (e) {
      result = { ok: false, problems: ["the check stopped: " + (e && e.message ? e.message : String(e))] };
    }
    window.assayVerification = result;
    if (!result.ok) {
      var more = result.problems.length > 1 ? " (+" + (result.problems.length - 1) + ")" : "";
      setStatus("failed", "failed", [result.problems[0] + more]);
      return;
    }
    try {
      bundle = JSON.parse(text);
      signed = statements(bundle);
    } catch (e) {
      setStatus("failed", "failed", ["an entry's statement cannot be read"]);
      return;
    }
    var mismatch = checkBound();
    if (mismatch) {
      signed = null;
      setStatus("failed", "failed", [mismatch]);
      return;
    }
    renderBound();
    var n = result.counts && result.counts.entries !== undefined ? result.counts.entries : bundle.entries.length;
    var w = (result.witnesses || []).join(", ");
    setStatus("verified", w ? "verified" : "verifiedNoWitness", [n, trust.origin, w]);
  }

  // --- Page behaviour --------------------------------------------------------------------------

  document.querySelectorAll("[data-set-lang]").forEach(function (b) {
    b.addEventListener("click", function () { show(b.getAttribute("data-set-lang")); });
  });
  document.querySelectorAll("[data-download]").forEach(function (b) {
    b.hidden = false;
    b.addEventListener("click", function () {
      var blob = new Blob([document.getElementById("assay-bundle").textContent], { type: "application/json" });
      var a = document.createElement("a");
      a.href = URL.createObjectURL(blob);
      a.download = "product.assay-bundle";
      document.body.appendChild(a);
      a.click();
      setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 0);
    });
  });
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details").forEach(function (d) { d.setAttribute("data-was-open", d.open); d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    document.querySelectorAll("details").forEach(function (d) { d.open = d.getAttribute("data-was-open") === "true"; });
  });
  show(pickLanguage());
  run();
})();
