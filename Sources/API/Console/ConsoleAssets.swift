import Hummingbird
import NIOCore

/// The console's stylesheet and script, served by the binary itself (nothing from outside): the
/// Content-Security-Policy allows exactly these two and no inline code.
enum ConsoleAssets {
    /// Registers `GET /console/assets/console.css` and `console.js` (public: the sign-in page uses them).
    static func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("assets/console.css") { _, _ in asset(stylesheet, type: "text/css; charset=utf-8") }
        group.get("assets/console.js") { _, _ in asset(script, type: "text/javascript; charset=utf-8") }
    }

    private static func asset(_ text: String, type: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.cacheControl] = "public, max-age=3600"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    /// Readable on a phone (one column under 700 px), contrast ratios above 4.5:1, visible focus.
    static let stylesheet = """
    :root { --ink: #1d2433; --muted: #4a5468; --line: #d5dae3; --accent: #0b5cad; --bad: #a4161a; --good: #1b6e3a; --bg: #f6f7f9; }
    * { box-sizing: border-box; }
    body { margin: 0; font: 16px/1.5 system-ui, sans-serif; color: var(--ink); background: var(--bg); }
    header { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1rem; padding: .5rem 1rem; background: #fff; border-bottom: 1px solid var(--line); }
    header nav ul { display: flex; flex-wrap: wrap; gap: .25rem .75rem; list-style: none; margin: 0; padding: 0; }
    header .brand { font-weight: 700; text-decoration: none; color: var(--ink); }
    header .language { margin-left: auto; }
    a { color: var(--accent); }
    a[aria-current="page"] { font-weight: 700; text-decoration: none; border-bottom: 3px solid var(--accent); }
    a:focus, button:focus, input:focus, select:focus, textarea:focus { outline: 3px solid #f2a900; outline-offset: 2px; }
    main { max-width: 1100px; margin: 0 auto; padding: 1rem; }
    h1 { font-size: 1.6rem; margin: .5rem 0 1rem; }
    h2 { font-size: 1.2rem; margin: 1.5rem 0 .5rem; }
    table { width: 100%; border-collapse: collapse; background: #fff; }
    th, td { text-align: left; padding: .4rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
    th { font-size: .85rem; color: var(--muted); }
    .table { overflow-x: auto; }
    dl { display: grid; grid-template-columns: max-content 1fr; gap: .1rem .75rem; margin: .5rem 0; }
    dt { color: var(--muted); }
    dd { margin: 0; overflow-wrap: anywhere; }
    #audit td:last-child { min-width: 24rem; }
    ol.timeline { list-style: none; padding: 0; }
    ol.timeline > li { background: #fff; border: 1px solid var(--line); border-left: 4px solid var(--accent); padding: .5rem .75rem; margin-bottom: .75rem; }
    ol.timeline h2 { margin: 0 0 .25rem; font-size: 1rem; }
    pre { white-space: pre-wrap; word-break: break-word; margin: 0; font-size: .85rem; }
    form.stack { display: grid; gap: .75rem; max-width: 30rem; background: #fff; padding: 1rem; border: 1px solid var(--line); }
    form.filters { display: flex; flex-wrap: wrap; gap: .5rem; align-items: end; margin-bottom: 1rem; }
    form.inline { display: inline; }
    label { display: grid; gap: .2rem; font-size: .9rem; color: var(--muted); }
    input, select, textarea { font: inherit; padding: .35rem .5rem; border: 1px solid #8a94a6; border-radius: 4px; color: var(--ink); background: #fff; }
    button { font: inherit; padding: .35rem .8rem; border: 1px solid var(--accent); border-radius: 4px; background: var(--accent); color: #fff; cursor: pointer; }
    button.danger { background: var(--bad); border-color: var(--bad); }
    .signout button { background: #fff; color: var(--accent); }
    .cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr)); gap: .75rem; }
    .card { background: #fff; border: 1px solid var(--line); padding: .75rem; }
    .card strong { display: block; font-size: 1.4rem; }
    .notice { background: #e7f1fb; border-left: 4px solid var(--accent); padding: .5rem .75rem; }
    .error { background: #fbeaea; border-left: 4px solid var(--bad); padding: .5rem .75rem; color: var(--bad); }
    .erased { color: var(--bad); font-style: italic; }
    .ok { color: var(--good); }
    .bad { color: var(--bad); }
    figure { background: #fff; border: 1px solid var(--line); margin: 0 0 1rem; padding: .75rem; }
    figure svg { width: 100%; height: auto; }
    figcaption { font-weight: 600; margin-bottom: .25rem; }
    .legend { font-size: .85rem; color: var(--muted); }
    progress { width: 8rem; }
    .pages { display: flex; gap: 1rem; margin: 1rem 0; }
    @media (max-width: 700px) { header .language { margin-left: 0; } th, td { padding: .3rem; font-size: .9rem; } }
    """

    /// Progressive enhancement: the projections page follows a rebuild live (without the script,
    /// reloading the page shows the same figures); forms marked `data-confirm` ask first.
    static let script = """
    "use strict";
    document.addEventListener("DOMContentLoaded", function () {
      document.querySelectorAll("form[data-confirm]").forEach(function (form) {
        form.addEventListener("submit", function (event) {
          if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
        });
      });
      var table = document.querySelector("[data-live-projections]");
      if (!table) { return; }
      function refresh() {
        fetch("/console/projections/status", { credentials: "same-origin", headers: { "Accept": "application/json" } })
          .then(function (response) { return response.ok ? response.json() : null; })
          .then(function (items) {
            if (!items) { return; }
            var busy = false;
            items.forEach(function (item) {
              var row = table.querySelector('tr[data-projection="' + item.name + '"]');
              if (!row) { return; }
              row.querySelector("[data-field=state]").textContent = item.state;
              row.querySelector("[data-field=checkpoint]").textContent = item.checkpoint;
              row.querySelector("[data-field=lag]").textContent = item.lag;
              row.querySelector("[data-field=version]").textContent = item.version.slice(0, 12);
              var bar = row.querySelector("progress");
              if (item.total > 0) { bar.max = item.total; bar.value = item.done; } else { bar.max = 1; bar.value = item.lag === 0 ? 1 : 0; }
              row.setAttribute("data-state", item.state);
              if (item.state === "rebuilding" || item.state === "catching-up") { busy = true; }
            });
            table.setAttribute("data-busy", busy ? "true" : "false");
          })
          .catch(function () {});
      }
      refresh();
      window.setInterval(refresh, 1000);
    });
    """
}
