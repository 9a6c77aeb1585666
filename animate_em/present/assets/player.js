// animate-em presenter: one click, one EM step. Everything it needs is in this page.
//
// Position: the URL fragment #<scene>/<step> (step 0 is the initial state), kept up to date
// with history.replaceState, so a reload or a link opens at that step.
// A step is frames start .. stop-1 of its scene's video; after playing a step the video
// shows frame stop-1, sought to the middle of that frame so every browser shows exactly it.
(() => {
  "use strict";

  const data = JSON.parse(document.getElementById("em-data").textContent);
  const scenes = data.scenes;
  const body = document.body;
  const stage = document.getElementById("stage");
  const statusLine = document.getElementById("status");
  const counter = document.getElementById("counter");
  const notes = document.getElementById("notes");
  const notesText = document.getElementById("notes-text");
  const entry = document.getElementById("entry");
  const help = document.getElementById("help");

  function mediaBytes(id) {
    const text = document.getElementById(id).textContent.replace(/\s+/g, "");
    const raw = atob(text);
    const bytes = new Uint8Array(raw.length);
    for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  // One video per scene, from the bytes embedded in the page (a blob: URL, no request).
  const videos = scenes.map((scene) => {
    const video = document.createElement("video");
    video.className = "frame";
    video.muted = true;
    video.playsInline = true;
    video.preload = "auto";
    video.hidden = true;
    video.width = scene.width;
    video.height = scene.height;
    video.setAttribute("aria-label", scene.title);
    video.src = URL.createObjectURL(new Blob([mediaBytes(scene.media)], { type: scene.mime }));
    stage.appendChild(video);
    scene.ready = new Promise((resolve) => {
      if (video.readyState >= 2) resolve();
      else video.addEventListener("loadeddata", () => resolve(), { once: true });
    });
    return video;
  });

  let position = { scene: 0, step: 0 };
  let generation = 0;       // a newer command makes every older play stop
  let continuous = false;   // P: playing to the end of the scene
  let digits = "";

  const frameTime = (scene, frame) => (frame + 0.5) / scene.fps;

  function setBusy(busy) {
    body.dataset.player = busy ? "busy" : "idle";
  }

  function describe() {
    const scene = scenes[position.scene];
    const step = scene.steps[position.step];
    statusLine.textContent = step.status;
    counter.textContent = (scenes.length > 1 ? `scene ${position.scene + 1}/${scenes.length} \u00b7 ` : "") +
      `step ${position.step}/${scene.steps.length - 1}`;
    notesText.textContent = step.notes;
    videos.forEach((video, index) => { video.hidden = index !== position.scene; });
    document.title = `${scene.title} \u2013 ${step.label}`;
    const hash = `#${encodeURIComponent(scene.name)}/${position.step}`;
    if (location.hash !== hash) history.replaceState(null, "", hash);
  }

  function seek(video, time) {
    return new Promise((resolve) => {
      // A browser that fires no "seeked" (none should) must not leave the player busy for ever.
      const fallback = setTimeout(resolve, 3000);
      video.addEventListener("seeked", () => { clearTimeout(fallback); resolve(); }, { once: true });
      video.currentTime = time;
    });
  }

  function stopOthers(keep) {
    videos.forEach((video, index) => { if (index !== keep && !video.paused) video.pause(); });
  }

  // Show the end of a step at once (going back, jumping, reloading).
  async function show(sceneIndex, stepIndex) {
    const token = ++generation;
    continuous = false;
    position = { scene: sceneIndex, step: stepIndex };
    stopOthers(-1);
    describe();
    setBusy(true);
    const scene = scenes[sceneIndex];
    const video = videos[sceneIndex];
    await scene.ready;
    if (token !== generation) return;
    video.pause();
    await seek(video, frameTime(scene, scene.steps[stepIndex].stop - 1));
    if (token === generation) setBusy(false);
  }

  function stepAt(scene, frame) {
    let index = 0;
    while (index + 1 < scene.steps.length && scene.steps[index + 1].start <= frame) index++;
    return index;
  }

  // Play a step from its first frame and stop on its last; toEnd plays on to the scene's end.
  async function play(sceneIndex, stepIndex, toEnd = false) {
    const token = ++generation;
    continuous = toEnd;
    position = { scene: sceneIndex, step: stepIndex };
    stopOthers(sceneIndex);
    describe();
    setBusy(true);
    const scene = scenes[sceneIndex];
    const video = videos[sceneIndex];
    const step = scene.steps[stepIndex];
    const last = toEnd ? scene.n_frames - 1 : step.stop - 1;
    await scene.ready;
    if (token !== generation) return;
    video.pause();
    await seek(video, frameTime(scene, step.start));
    if (token !== generation) return;
    if (last === step.start) {
      // A one-frame step: its first frame is its last.
      continuous = false;
      setBusy(false);
      return;
    }
    try {
      await video.play();
    } catch (error) {
      // A browser that refuses to play still shows the step's end (watch sees it paused).
    }
    if (token !== generation) return;
    watch(video, scene, last, token);
  }

  function watch(video, scene, last, token) {
    let done = false;
    const finish = async () => {
      done = true;
      video.pause();
      await seek(video, frameTime(scene, last));
      if (token !== generation) return;
      if (continuous) {
        position.step = scene.steps.length - 1;
        continuous = false;
        describe();
      }
      setBusy(false);
    };
    const check = (frame) => {
      if (done || token !== generation) return true;
      if (continuous) {
        const index = stepAt(scene, frame);
        if (index !== position.step) {
          position.step = index;
          describe();
        }
      }
      if (frame >= last || video.paused || video.ended) {
        finish();
        return true;
      }
      return false;
    };
    if (video.paused) {
      finish();
      return;
    }
    if (typeof video.requestVideoFrameCallback === "function") {
      const tick = (now, meta) => {
        if (!check(Math.round(meta.mediaTime * scene.fps))) video.requestVideoFrameCallback(tick);
      };
      video.requestVideoFrameCallback(tick);
    } else {
      const tick = () => {
        if (!check(Math.floor(video.currentTime * scene.fps + 1e-6))) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    }
    video.addEventListener("ended", () => { if (!done && token === generation) finish(); }, { once: true });
  }

  function next() {
    const scene = scenes[position.scene];
    if (position.step + 1 < scene.steps.length) play(position.scene, position.step + 1);
    else if (position.scene + 1 < scenes.length) show(position.scene + 1, 0);
    else show(position.scene, position.step);
  }

  function previous() {
    if (position.step > 0) show(position.scene, position.step - 1);
    else if (position.scene > 0) show(position.scene - 1, scenes[position.scene - 1].steps.length - 1);
    else show(0, 0);
  }

  // Digits then Enter: the step that ends that iteration (a sweep: that K).
  function jump(number) {
    const steps = scenes[position.scene].steps;
    const final = steps.length - 1;
    let target = 0;
    steps.forEach((step, index) => {
      if (step.beat !== "end" && step.iteration <= number) target = index;
    });
    if (number > steps[target].iteration && number >= steps[final].iteration) target = final;
    show(position.scene, target);
  }

  function togglePlayAll() {
    if (continuous && body.dataset.player === "busy") {
      show(position.scene, position.step);
      return;
    }
    const scene = scenes[position.scene];
    const start = position.step + 1 < scene.steps.length ? position.step + 1 : 0;
    play(position.scene, start, true);
  }

  function toggleFullscreen() {
    const ignore = () => {};   // refused (e.g. not allowed in a frame): nothing to do
    if (document.fullscreenElement) document.exitFullscreen().catch(ignore);
    else if (document.documentElement.requestFullscreen) document.documentElement.requestFullscreen().catch(ignore);
  }

  function showEntry() {
    entry.hidden = digits === "";
    entry.textContent = `go to iteration ${digits}`;
  }

  function fromFragment() {
    const match = /^#([^/]*)(?:\/(\d+))?$/.exec(location.hash);
    if (!match) return { scene: 0, step: 0 };
    let name;
    try { name = decodeURIComponent(match[1]); } catch (error) { return { scene: 0, step: 0 }; }
    const sceneIndex = scenes.findIndex((scene) => scene.name === name);
    if (sceneIndex < 0) return { scene: 0, step: 0 };
    const step = match[2] === undefined ? 0 : Math.min(parseInt(match[2], 10), scenes[sceneIndex].steps.length - 1);
    return { scene: sceneIndex, step };
  }

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const key = event.key;
    // A focused button does its own thing on Space and Enter (once, not twice).
    if (event.target instanceof HTMLButtonElement && (key === " " || key === "Enter")) return;
    if (/^[0-9]$/.test(key)) {
      digits = (digits + key).slice(-4);
      showEntry();
    } else if (key === "Enter" && digits !== "") {
      jump(parseInt(digits, 10));
      digits = "";
      showEntry();
    } else if (key === "Backspace" && digits !== "") {
      digits = digits.slice(0, -1);
      showEntry();
    } else if (key === "Escape" && (digits !== "" || !help.hidden)) {
      digits = "";
      showEntry();
      help.hidden = true;
    } else if (key === "ArrowRight" || key === " " || key === "PageDown") {
      next();
    } else if (key === "ArrowLeft" || key === "PageUp") {
      previous();
    } else if (key === "Home") {
      show(position.scene, 0);
    } else if (key === "End") {
      show(position.scene, scenes[position.scene].steps.length - 1);
    } else if (key === "p" || key === "P") {
      togglePlayAll();
    } else if (key === "r" || key === "R") {
      play(position.scene, position.step);
    } else if (key === "f" || key === "F") {
      toggleFullscreen();
    } else if (key === "n" || key === "N") {
      notes.hidden = !notes.hidden;
    } else if (key === "?" || key === "h" || key === "H") {
      help.hidden = !help.hidden;
    } else {
      return;
    }
    event.preventDefault();
  });

  stage.addEventListener("click", () => next());
  document.getElementById("forward").addEventListener("click", () => next());
  document.getElementById("back").addEventListener("click", () => previous());
  // A mouse click leaves no focus on a button, so the remote's keys keep going to the page.
  document.querySelectorAll("#bar button").forEach((button) => {
    button.addEventListener("mousedown", (event) => event.preventDefault());
  });
  window.addEventListener("hashchange", () => {
    const wanted = fromFragment();
    if (wanted.scene !== position.scene || wanted.step !== position.step) show(wanted.scene, wanted.step);
  });

  const start = fromFragment();
  show(start.scene, start.step);
})();
