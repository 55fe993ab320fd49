// The SPARQL workbench's editor: the query's textarea drawn over a highlighted copy of its text,
// Ctrl+Enter to run, and a button copying the permalink. Without this script the page is a plain
// form that works the same. No inline script or style: the page's Content-Security-Policy allows
// neither, so everything is done through classes (workbench.css) and DOM properties.
//
// Written here rather than taken from an editor library: no package of the Python registry ships
// one with SPARQL highlighting without pulling in a web framework, and this is all the page needs.
(function () {
  "use strict";

  // SPARQL 1.1 keywords and built-in functions (§19.8 of the Query Language), matched in any case.
  const KEYWORDS = new Set(
    (
      "BASE PREFIX SELECT DISTINCT REDUCED AS CONSTRUCT DESCRIBE ASK FROM NAMED WHERE ORDER BY " +
      "ASC DESC LIMIT OFFSET GROUP HAVING VALUES UNDEF OPTIONAL UNION MINUS GRAPH SERVICE SILENT " +
      "BIND FILTER EXISTS NOT IN STR LANG LANGMATCHES DATATYPE BOUND IRI URI BNODE RAND ABS CEIL " +
      "FLOOR ROUND CONCAT STRLEN UCASE LCASE ENCODE_FOR_URI CONTAINS STRSTARTS STRENDS " +
      "STRBEFORE STRAFTER YEAR MONTH DAY HOURS MINUTES SECONDS TIMEZONE TZ NOW UUID STRUUID MD5 " +
      "SHA1 SHA256 SHA384 SHA512 COALESCE IF STRLANG STRDT SAMETERM ISIRI ISURI ISBLANK " +
      "ISLITERAL ISNUMERIC REGEX SUBSTR REPLACE COUNT SUM MIN MAX AVG SAMPLE GROUP_CONCAT " +
      "SEPARATOR"
    ).split(" ")
  );

  // One alternative per kind of token, tried in this order at each position; anything else is
  // plain text. Strings and IRIs stop at the end of the line when unclosed, as one is being typed.
  const TOKEN = new RegExp(
    [
      "(?<comment>#[^\\n]*)",
      '(?<string>"""[\\s\\S]*?(?:"""|$)|\'\'\'[\\s\\S]*?(?:\'\'\'|$)|"(?:[^"\\\\\\n]|\\\\.)*"?|\'(?:[^\'\\\\\\n]|\\\\.)*\'?)',
      "(?<iri><[^<>\"{}|^`\\\\\\s]*>)",
      "(?<variable>[?$][\\p{L}\\p{N}_]+)",
      "(?<langtag>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)",
      "(?<pname>(?:[\\p{L}_][\\p{L}\\p{N}_-]*(?:\\.[\\p{L}\\p{N}_-]+)*)?:(?:[\\p{L}\\p{N}_:%-]|\\.(?=[\\p{L}\\p{N}_:%-]))*)",
      "(?<number>(?:\\d*\\.\\d+|\\d+)(?:[eE][+-]?\\d+)?)",
      "(?<word>[\\p{L}_][\\p{L}\\p{N}_]*)",
    ].join("|"),
    "uy"
  );

  /**
   * The tokens of a SPARQL text, as [kind, text] pairs whose texts put together give the text
   * back: kinds are comment, string, iri, variable, langtag, pname, number, keyword and text.
   */
  function tokenize(source) {
    const tokens = [];
    const push = (kind, text) => {
      const last = tokens[tokens.length - 1];
      if (kind === "text" && last && last[0] === "text") last[1] += text;
      else tokens.push([kind, text]);
    };
    let at = 0;
    while (at < source.length) {
      TOKEN.lastIndex = at;
      const match = TOKEN.exec(source);
      if (match === null || match[0] === "") {
        push("text", String.fromCodePoint(source.codePointAt(at)));
        at += source.codePointAt(at) > 0xffff ? 2 : 1;
        continue;
      }
      const kind = Object.keys(match.groups).find((name) => match.groups[name] !== undefined);
      if (kind === "word") {
        const upper = match[0].toUpperCase();
        const keyword = KEYWORDS.has(upper) || match[0] === "a";
        const literal = upper === "TRUE" || upper === "FALSE";
        push(keyword ? "keyword" : literal ? "number" : "text", match[0]);
      } else {
        push(kind, match[0]);
      }
      at += match[0].length;
    }
    return tokens;
  }

  /** Replace the children of ``code`` by the highlighted tokens of ``source``. */
  function paint(code, source) {
    const fragment = document.createDocumentFragment();
    for (const [kind, text] of tokenize(source)) {
      if (kind === "text") {
        fragment.append(text);
      } else {
        const span = document.createElement("span");
        span.className = "tok-" + kind;
        span.textContent = text;
        fragment.append(span);
      }
    }
    // A last empty line still takes its height, and the copy keeps room for a scroll bar.
    fragment.append("\n\n");
    code.replaceChildren(fragment);
  }

  function enhanceEditor(editor) {
    const textarea = editor.querySelector("textarea");
    const pre = document.createElement("pre");
    const code = document.createElement("code");
    pre.className = "highlight";
    pre.setAttribute("aria-hidden", "true");
    pre.append(code);
    editor.prepend(pre);
    editor.classList.add("enhanced");
    const follow = () => {
      pre.scrollTop = textarea.scrollTop;
      pre.scrollLeft = textarea.scrollLeft;
    };
    const update = () => {
      paint(code, textarea.value);
      follow();
    };
    textarea.addEventListener("input", update);
    textarea.addEventListener("scroll", follow);
    textarea.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        textarea.form.requestSubmit();
      }
    });
    update();
    const keys = textarea.form.querySelector(".keys");
    if (keys) keys.hidden = false;
  }

  function enhancePermalink(input) {
    const link = input.parentElement.querySelector("a");
    input.value = link.href;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "copy";
    button.textContent = input.dataset.copy;
    button.addEventListener("click", async () => {
      input.select();
      try {
        await navigator.clipboard.writeText(input.value);
      } catch {
        document.execCommand("copy");
      }
      button.textContent = input.dataset.copied;
    });
    input.after(" ", button);
  }

  globalThis.ckSparql = { tokenize };
  if (typeof document === "undefined") return;
  const start = () => {
    document.querySelectorAll(".editor").forEach(enhanceEditor);
    document.querySelectorAll("p.permalink input").forEach(enhancePermalink);
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
