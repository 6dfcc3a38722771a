import "./app.css";

import { mount } from "svelte";

import App from "./App.svelte";
import Overlay from "./components/focus/Overlay.svelte";

const target = document.getElementById("app");
if (!target) throw new Error("index.html has no #app element");

// Focus mode opens extra full-screen windows at `index.html#overlay`; they get their own small
// root (the overlay's capability allows only the focus status and the emergency exit).
export default location.hash === "#overlay" ? mount(Overlay, { target }) : mount(App, { target });
