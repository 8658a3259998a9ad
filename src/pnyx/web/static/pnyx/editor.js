/* Pnyx's post editor: Stack Overflow's editor on a plain textarea, a preview rendered by the
 * server, and the unsent draft kept in the browser.
 *
 * The page holds, for each editor, the markup of templates/pnyx/editor.html: a labelled
 * <textarea> that the form sends, which works on its own without JavaScript. Here:
 * - Stacks-Editor (vendor/stacks-editor-*.bundle.js, `window.stacksEditor`) is mounted after the
 *   textarea and the textarea hidden; every change is copied back into it, so the form sends
 *   what the editor shows. Without the bundle the textarea stays and the rest still works.
 * - The preview is the HTML the server's renderer gives (POST data-preview-url, debounced), so
 *   it is exactly what will be saved. The server's HTML is sanitised like every stored post.
 * - The draft is kept in localStorage under the site, the form (data-draft-key), the page's
 *   path and the field's name, restored on the next visit and removed when the form is sent.
 * Nothing here is inline or evaluated, so it runs under the Content-Security-Policy.
 */
(function () {
  "use strict";

  var DEBOUNCE_MS = 350;
  var DRAFT_PREFIX = "pnyx.draft ";
  var MARKDOWN_VIEW = 1; // stacksEditor.EditorType.Commonmark
  var HELP_URL = "https://commonmark.org/help/";

  function storage() {
    try {
      return window.localStorage;
    } catch (e) {
      return null; // storage disabled: no drafts, everything else works
    }
  }

  // The link schemes the server's sanitiser keeps (pnyx.render.markdown): the editor's own
  // Markdown parser takes no other kind of link either.
  function safeLink(url) {
    var scheme = /^\s*([a-z][a-z0-9+.-]*):/i.exec(url);
    return !scheme || /^(https?|ftp|mailto)$/i.test(scheme[1]);
  }

  function csrfToken(form) {
    // The cookie first: it holds the secret the server checks now, even when another page
    // opened at the same time replaced the one this page's form token was made from.
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    var input = form && form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function setUp(root) {
    var textarea = root.querySelector("textarea");
    var label = root.querySelector("label");
    var previewBox = root.querySelector("[data-editor-preview-box]");
    var preview = root.querySelector("[data-editor-preview]");
    var draftNotice = root.querySelector("[data-editor-draft]");
    var form = textarea.form;
    var store = storage();
    var draftKey =
      DRAFT_PREFIX +
      location.host +
      root.getAttribute("data-draft-site") +
      " " +
      root.getAttribute("data-draft-key") +
      " " +
      location.pathname +
      " " +
      textarea.name;
    var original = textarea.value;
    var editor = null;
    var last = null;
    var timer = null;
    var sequence = 0;

    var draft = store && store.getItem(draftKey);
    if (draft !== null && draft !== original) {
      textarea.value = draft;
      draftNotice.hidden = false;
    }

    var mount = null;
    if (window.stacksEditor && window.stacksEditor.StacksEditor) {
      mount = document.createElement("div");
      mount.className = "editor-stacks";
      textarea.parentNode.insertBefore(mount, textarea.nextSibling);
      editor = new window.stacksEditor.StacksEditor(mount, textarea.value, {
        defaultView: MARKDOWN_VIEW,
        placeholderText: "",
        parserFeatures: {
          tables: true,
          html: true,
          snippets: false,
          extraEmphasis: true,
          validateLink: safeLink,
        },
        commonmarkOptions: { preview: { enabled: false, renderer: null } },
        editorHelpLink: HELP_URL,
        // Pnyx keeps no uploaded files (images are linked by address in Markdown); without a
        // handler the editor offers no image button, where its own would post the file to
        // Stack Overflow's upload path.
        imageUpload: { handler: null },
        elementAttributes: {
          ariaLabelledby: label.id,
          ariaDescribedby: textarea.getAttribute("aria-describedby") || false,
        },
      });
      // Markdown only: the rich-text view renders the text's HTML in the page with the
      // editor's own sanitiser, which keeps `javascript:` links and script elements of raw
      // HTML (tests/browser/test_xss.py showed it), and rewrites a post's Markdown when toggled
      // (raw HTML escaped, lists renumbered). What a person sees rendered is the server's
      // preview below, the same sanitiser as the saved post.
      var toggle = mount.querySelector(".js-editor-toggle-btn");
      if (toggle) toggle.parentNode.remove();
      // The hidden textarea cannot show the browser's "fill in this field"; the server says
      // what is missing instead.
      textarea.required = false;
      textarea.hidden = true;
      root.stacksEditor = editor; // for a page's own scripts (and tests): content, setView
      document.body.classList.add("theme-system");
      label.addEventListener("click", function () {
        editor.focus();
      });
    }

    function current() {
      return editor ? editor.content : textarea.value;
    }

    function render(text) {
      var mine = ++sequence;
      if (text.trim() === "") {
        preview.textContent = "";
        return;
      }
      var body = new URLSearchParams();
      body.set("text", text);
      fetch(root.getAttribute("data-preview-url"), {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(form) },
        body: body,
      })
        .then(function (response) {
          // 400 carries a message for the person (the text is too long); anything else is
          // not a fragment to show (a refused CSRF token, a server error).
          if (response.ok || response.status === 400) return response.text();
          throw new Error(response.status);
        })
        .then(function (html) {
          if (mine === sequence) preview.innerHTML = html;
        })
        .catch(function () {
          if (mine === sequence) preview.textContent = "The preview could not be loaded.";
        });
    }

    function keepDraft(text) {
      if (!store) return;
      try {
        if (text === original || text === "") store.removeItem(draftKey);
        else store.setItem(draftKey, text);
      } catch (e) {
        // storage full: the draft is not kept, the form still works
      }
    }

    function changed() {
      var text = current();
      if (text === last) return;
      last = text;
      if (editor) textarea.value = text;
      keepDraft(text);
      render(text);
    }

    function soon() {
      clearTimeout(timer);
      timer = setTimeout(changed, DEBOUNCE_MS);
    }

    textarea.addEventListener("input", soon);
    if (mount) {
      // The editor changes its document through its own transactions (typing, the toolbar),
      // which show as changes to its DOM; the text is compared before use.
      new MutationObserver(soon).observe(mount, {
        childList: true,
        subtree: true,
        characterData: true,
      });
    }

    root.querySelector("[data-editor-discard]").addEventListener("click", function () {
      if (store) store.removeItem(draftKey);
      textarea.value = original;
      if (editor) editor.content = original;
      draftNotice.hidden = true;
      changed();
    });

    if (form) {
      form.addEventListener("submit", function () {
        if (editor) textarea.value = editor.content;
        if (store) store.removeItem(draftKey);
      });
    }

    previewBox.hidden = false;
    changed();
  }

  function start() {
    var roots = document.querySelectorAll("[data-editor]");
    for (var i = 0; i < roots.length; i++) setUp(roots[i]);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
