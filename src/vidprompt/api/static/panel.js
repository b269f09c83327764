// The reference panel: vanilla JavaScript over vidprompt's HTTP API, no build step.
"use strict";

const TOKEN_KEY = "vidprompt.session";
// The local sign-in's key, from the address `vidprompt serve` printed (/#key=...).
const SIGN_IN_KEY = "vidprompt.signInKey";
const POLL_MS = 500;

const state = {
  token: null,
  email: null,
  vocabulary: null,
  images: [],
  image: null, // the open image
  variants: [],
  index: 0, // the shown variant
  cameraStyle: null,
  filmEffects: [],
  suggestions: [],
  imageUrls: new Map(), // image id -> object URL of its bytes
};

const $ = (id) => document.getElementById(id);

// --- the API ----------------------------------------------------------------------

class ApiError extends Error {
  constructor(problem, status) {
    super(problem.detail || `HTTP ${status}`);
    this.problem = problem;
    this.status = status;
  }
}

async function api(method, path, { json, form, raw } = {}) {
  const headers = {};
  if (state.token) headers.Authorization = `Bearer ${state.token}`;
  let body;
  if (json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(json);
  } else if (form !== undefined) {
    body = form;
  }
  const response = await fetch(path, { method, headers, body });
  if (!response.ok) {
    const problem = await response.json().catch(() => ({}));
    if (response.status === 401 && state.token) signOut();
    throw new ApiError(problem, response.status);
  }
  if (raw) return response;
  return response.status === 204 ? null : response.json();
}

// --- feedback ---------------------------------------------------------------------

let toastTimer = null;
function toast(text) {
  const element = $("toast");
  element.textContent = text;
  element.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { element.hidden = true; }, 2500);
}

function failed(error) {
  toast(error instanceof ApiError ? `Fehler: ${error.message}` : "Etwas ist schiefgegangen.");
}

// --- signing in -------------------------------------------------------------------

async function showSignIn() {
  const config = await api("GET", "/panel/config");
  const hint = $("sign-in-hint");
  $("password-row").hidden = config.sign_in !== "supabase";
  $("password").required = config.sign_in === "supabase";
  if (config.sign_in === "local" && !sessionStorage.getItem(SIGN_IN_KEY)) {
    hint.textContent = "Öffne die Adresse, die „vidprompt serve“ ausgegeben hat (sie endet auf #key=…).";
  } else if (config.sign_in === "local") {
    hint.textContent = "Lokale Datenbank: die E-Mail genügt, das Konto wird bei Bedarf angelegt.";
  } else if (config.sign_in === "supabase") {
    hint.textContent = "Mit deinem Konto des Supabase-Projekts.";
  } else {
    hint.textContent = "Dieser Server bietet keine Anmeldung an (SUPABASE_URL und SUPABASE_ANON_KEY fehlen).";
  }
  $("sign-in-form").dataset.mode = config.sign_in;
  $("sign-in-form").dataset.url = config.supabase_url || "";
  $("sign-in-form").dataset.key = config.supabase_anon_key || "";
  $("sign-in").hidden = false;
  $("workspace").hidden = true;
  $("account").hidden = true;
  $("email").focus();
}

async function signIn(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const email = $("email").value.trim();
  try {
    let token;
    if (form.dataset.mode === "local") {
      const key = sessionStorage.getItem(SIGN_IN_KEY) || "";
      token = (await api("POST", "/panel/local-session", { json: { email, key } })).access_token;
    } else if (form.dataset.mode === "supabase") {
      const response = await fetch(`${form.dataset.url}/auth/v1/token?grant_type=password`, {
        method: "POST",
        headers: { apikey: form.dataset.key, "Content-Type": "application/json" },
        body: JSON.stringify({ email, password: $("password").value }),
      });
      const session = await response.json();
      if (!response.ok) throw new ApiError({ detail: session.error_description || session.msg || "Anmeldung fehlgeschlagen" }, response.status);
      token = session.access_token;
    } else {
      return;
    }
    sessionStorage.setItem(TOKEN_KEY, JSON.stringify({ token, email }));
    await start();
  } catch (error) {
    failed(error);
  }
}

function signOut() {
  sessionStorage.removeItem(TOKEN_KEY);
  state.token = null;
  for (const url of state.imageUrls.values()) URL.revokeObjectURL(url);
  state.imageUrls.clear();
  closePanel();
  showSignIn().catch(failed);
}

async function start() {
  const session = JSON.parse(sessionStorage.getItem(TOKEN_KEY) || "null");
  if (!session) {
    await showSignIn();
    return;
  }
  state.token = session.token;
  state.email = session.email;
  $("account-email").textContent = session.email;
  $("account").hidden = false;
  $("sign-in").hidden = true;
  $("workspace").hidden = false;
  state.vocabulary = await api("GET", "/vocabulary");
  renderChoices();
  await loadImages();
}

// --- images -----------------------------------------------------------------------

async function imageUrl(image) {
  if (!state.imageUrls.has(image.id)) {
    const response = await api("GET", `/images/${image.id}/file`, { raw: true });
    state.imageUrls.set(image.id, URL.createObjectURL(await response.blob()));
  }
  return state.imageUrls.get(image.id);
}

async function loadImages() {
  state.images = (await api("GET", "/images?limit=100")).items;
  renderGallery();
}

function renderGallery() {
  const gallery = $("gallery");
  gallery.replaceChildren();
  $("gallery-empty").hidden = state.images.length > 0;
  state.images.forEach((image, number) => {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "thumb";
    button.setAttribute("aria-label", `Bild ${number + 1} öffnen`);
    button.setAttribute("aria-current", String(state.image?.id === image.id));
    const img = document.createElement("img");
    img.alt = "";
    button.append(img);
    button.addEventListener("click", () => openImage(image).catch(failed));
    item.append(button);
    gallery.append(item);
    imageUrl(image).then((url) => { img.src = url; }, () => { img.alt = "nicht lesbar"; });
  });
}

async function upload(event) {
  const file = event.target.files[0];
  event.target.value = "";
  if (!file) return;
  const form = new FormData();
  form.append("file", file);
  try {
    const image = await api("POST", "/images", { form });
    toast("Bild hochgeladen");
    await loadImages();
    await openImage(image);
  } catch (error) {
    failed(error);
  }
}

// --- the panel --------------------------------------------------------------------

async function openImage(image) {
  state.image = image;
  state.index = 0;
  state.suggestions = [];
  $("panel").hidden = false;
  $("instruction").value = "";
  renderGallery();
  $("preview").src = await imageUrl(image);
  await Promise.all([loadVariants(), loadSuggestions()]);
  state.index = Math.max(0, state.variants.length - 1);
  renderVariant();
}

function closePanel() {
  state.image = null;
  $("panel").hidden = true;
  renderGallery();
}

async function loadVariants() {
  const listed = await api("GET", `/images/${state.image.id}/variants`);
  state.variants = listed.items;
  state.index = Math.min(state.index, Math.max(0, state.variants.length - 1));
}

async function loadSuggestions() {
  const found = await api("GET", `/images/${state.image.id}/suggestions`);
  state.suggestions = [
    ...found.fixed.map((text) => ({ text, ai: false })),
    ...found.ai.map((text) => ({ text, ai: true })),
  ];
  const notes = {
    offline: "KI-Vorschläge brauchen einen Gemini-Schlüssel (offline).",
    image_unavailable: "KI-Vorschläge: das Bild ist nicht lesbar.",
    model_error: "KI-Vorschläge sind gerade nicht verfügbar.",
    invalid_output: "KI-Vorschläge sind gerade nicht verfügbar.",
  };
  $("suggestions-note").textContent = notes[found.ai_unavailable_reason] || "";
  renderSuggestions();
}

function renderVariant() {
  const total = state.variants.length;
  $("count").textContent = String(total);
  $("position").textContent = total ? `${state.index + 1} von ${total}` : "Keine Variante";
  $("prev").disabled = state.index <= 0;
  $("next").disabled = state.index >= total - 1;
  $("variant").hidden = total === 0;
  if (!total) return;
  const variant = state.variants[state.index];
  const pending = variant.status === "pending";
  $("pending").hidden = !pending;
  $("failed").hidden = variant.status !== "failed";
  $("failed").textContent = variant.error_message || variant.error_code || "";
  $("prompt").textContent = variant.prompt_text;
  $("prompt").hidden = pending;
  const words = $("words");
  words.className = `words ${variant.length_feedback}`;
  words.textContent = pending ? "" : `${variant.word_count} Wörter`;
  words.title = { optimal: "optimal", long: "lang", too_long: "zu lang", short: "" }[variant.length_feedback];
  $("copy").disabled = pending || !variant.prompt_text;
  const primary = $("primary");
  primary.setAttribute("aria-pressed", String(variant.is_primary));
  primary.textContent = variant.is_primary ? "★ Primär" : "☆ Als primär markieren";
  primary.disabled = pending;
  $("generate").disabled = pending;
  $("generate").setAttribute("aria-busy", String(pending));
}

function move(step) {
  state.index = Math.min(Math.max(state.index + step, 0), state.variants.length - 1);
  renderVariant();
}

async function poll(variantId) {
  for (;;) {
    const variant = await api("GET", `/variants/${variantId}`);
    const at = state.variants.findIndex((v) => v.id === variantId);
    if (at >= 0) state.variants[at] = variant;
    if (state.image?.id === variant.image_id) renderVariant();
    if (variant.status !== "pending") return variant;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

async function generate(event) {
  event.preventDefault();
  const instruction = $("instruction").value.trim();
  const body = {
    kind: "generation",
    camera_style: state.cameraStyle,
    film_effects: state.filmEffects,
    ...(instruction ? { user_instruction: instruction } : {}),
  };
  try {
    $("generate").disabled = true;
    const variant = await api("POST", `/images/${state.image.id}/variants`, { json: body });
    // Show it as the server answered (pending) at once: a quick worker may be done before
    // the list is read again, and the person should still see that it was generating.
    state.variants.push(variant);
    state.index = state.variants.length - 1;
    renderVariant();
    await loadVariants();
    state.index = state.variants.findIndex((v) => v.id === variant.id);
    renderVariant();
    const done = await poll(variant.id);
    toast(done.status === "completed" ? "Prompt fertig" : "Generierung fehlgeschlagen");
  } catch (error) {
    failed(error);
  } finally {
    renderVariant();
  }
}

async function copyPrompt() {
  const variant = state.variants[state.index];
  try {
    await navigator.clipboard.writeText(variant.prompt_text);
    toast("Prompt kopiert");
  } catch {
    toast("Kopieren nicht möglich");
  }
}

async function markPrimary() {
  const variant = state.variants[state.index];
  try {
    await api("POST", `/variants/${variant.id}/primary`);
    await loadVariants();
    renderVariant();
    toast("Als primär markiert");
  } catch (error) {
    failed(error);
  }
}

async function deleteVariant() {
  const variant = state.variants[state.index];
  try {
    await api("DELETE", `/variants/${variant.id}`);
    await loadVariants();
    renderVariant();
    toast("Variante gelöscht");
  } catch (error) {
    failed(error);
  }
}

function newVariant() {
  $("instruction").value = "";
  renderSuggestions();
  $("instruction").focus();
}

// --- chips ------------------------------------------------------------------------

function chip(text, pressed, onClick, extraClass = "") {
  const button = document.createElement("button");
  button.type = "button";
  button.className = `chip ${extraClass}`.trim();
  button.textContent = text;
  button.setAttribute("aria-pressed", String(pressed));
  button.addEventListener("click", onClick);
  return button;
}

function instructionParts() {
  return $("instruction").value.split(",").map((part) => part.trim()).filter(Boolean);
}

function renderSuggestions() {
  const used = new Set(instructionParts().map((part) => part.toLowerCase()));
  $("suggestions").replaceChildren(
    ...state.suggestions.map(({ text, ai }) => {
      const button = chip(text, used.has(text.toLowerCase()), () => appendSuggestion(text), ai ? "ai" : "");
      if (ai) button.setAttribute("aria-label", `${text} (KI-Vorschlag)`);
      return button;
    }),
  );
}

function appendSuggestion(text) {
  const field = $("instruction");
  const current = field.value.trim();
  if (instructionParts().some((part) => part.toLowerCase() === text.toLowerCase())) return;
  field.value = current ? `${current.replace(/,\s*$/, "")}, ${text}` : text;
  renderSuggestions();
}

function renderChoices() {
  const vocabulary = state.vocabulary;
  state.cameraStyle = state.cameraStyle || vocabulary.default_camera_style;
  $("camera-styles").replaceChildren(
    ...vocabulary.camera_styles.map(({ key, label }) =>
      chip(label, key === state.cameraStyle, () => {
        state.cameraStyle = key;
        renderChoices();
      }),
    ),
  );
  $("film-effects").replaceChildren(
    ...vocabulary.film_effects.map(({ key, label }) => {
      const chosen = state.filmEffects.includes(key);
      const button = chip(label, chosen, () => {
        state.filmEffects = chosen
          ? state.filmEffects.filter((effect) => effect !== key)
          : [...state.filmEffects, key];
        renderChoices();
      });
      button.disabled = !chosen && state.filmEffects.length >= vocabulary.max_film_effects;
      return button;
    }),
  );
}

// --- wiring -----------------------------------------------------------------------

// Keep the sign-in key for this tab and take it out of the address bar and the history.
function takeSignInKey() {
  const key = new URLSearchParams(location.hash.slice(1)).get("key");
  if (key) {
    sessionStorage.setItem(SIGN_IN_KEY, key);
    history.replaceState(null, "", location.pathname + location.search);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  takeSignInKey();
  $("sign-in-form").addEventListener("submit", signIn);
  $("sign-out").addEventListener("click", signOut);
  $("upload").addEventListener("change", upload);
  $("close-panel").addEventListener("click", closePanel);
  $("prev").addEventListener("click", () => move(-1));
  $("next").addEventListener("click", () => move(1));
  $("new").addEventListener("click", newVariant);
  $("copy").addEventListener("click", copyPrompt);
  $("primary").addEventListener("click", markPrimary);
  $("delete").addEventListener("click", deleteVariant);
  $("configure").addEventListener("submit", generate);
  $("instruction").addEventListener("input", renderSuggestions);
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !$("panel").hidden) closePanel();
  });
  start().catch(failed);
});
