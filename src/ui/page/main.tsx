import { render } from "preact";
import { takeToken } from "./api.js";
import { App } from "./app.js";

const root = document.getElementById("app");
if (root !== null) render(<App hasToken={takeToken() !== undefined} />, root);
