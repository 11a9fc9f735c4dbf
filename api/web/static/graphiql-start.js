// GraphiQL on the signed-in session: each request carries the page's CSRF token (the
// API accepts a session only with it), so there is no API key to paste.
(function () {
  "use strict";
  var el = document.getElementById("graphiql");
  var token = document.querySelector("meta[name=csrf-token]").getAttribute("content");
  var fetcher = window.GraphiQL.createFetcher({
    url: el.getAttribute("data-url"),
    headers: { "X-CSRFToken": token }
  });
  var root = window.ReactDOM.createRoot(el);
  root.render(window.React.createElement(window.GraphiQL, {
    fetcher: fetcher, defaultEditorToolsVisibility: true, isHeadersEditorEnabled: false,
    defaultQuery: "{\n  me {\n    keyId\n    role\n    scope\n  }\n}\n"
  }));
  el.setAttribute("data-ready", "true");
})();
