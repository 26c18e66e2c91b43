import { render } from "preact";
import { takeToken } from "./api.js";
import { App } from "./app.js";

const root = document.getElementById("app");
const show = (el: HTMLElement) => render(<App hasToken={takeToken() !== undefined} />, el);
if (root !== null) {
  show(root);
  // The full address typed after the bare one changes only the fragment: no reload, so read it here.
  addEventListener("hashchange", () => {
    if (location.hash.includes("token=")) show(root);
  });
}
