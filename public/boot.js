// Starts the Rega app. An external file, because the content security policy forbids inline
// scripts. Trunk writes the hashed names of the app's JS and WASM into this script's data-*
// attributes (Trunk.toml, pattern_script).
const LOCALES = { ckb: 'rtl', ar: 'rtl', en: 'ltr' };

// Apply the saved language before the app arrives, so the shell is already in it.
try {
  const saved = localStorage.getItem('rega.locale');
  if (saved && LOCALES[saved]) {
    document.documentElement.lang = saved;
    document.documentElement.dir = LOCALES[saved];
  }
} catch (_) {
  // Storage may be disabled; the default language stays.
}

// When the app cannot start (old browser, blocked or broken download), show the same
// "how to book by phone or in person" text as with scripts off, never a blank page.
function showFallback() {
  const shell = document.getElementById('rg-shell');
  if (shell) shell.classList.add('rg-shell--failed');
}

const me = document.querySelector('script[data-wasm]');
try {
  if (typeof WebAssembly !== 'object') throw new Error('no WebAssembly');
  const bindings = await import(me.dataset.js);
  await bindings.default({ module_or_path: me.dataset.wasm });
  // Keep the app's files for offline use (public/sw.js); only in a release build, which has it.
  if ('serviceWorker' in navigator && window.isSecureContext) {
    navigator.serviceWorker.register('/sw.js').catch((error) => console.warn('Rega works online only:', error));

  }
} catch (error) {
  console.warn('Rega could not start:', error);
  showFallback();
}
