// Progressive enhancement only: every page works without this script.
// Copy buttons: `data-copy` names the read-only field whose value to copy.
for (const button of document.querySelectorAll("button[data-copy]")) {
  button.addEventListener("click", async () => {
    const field = document.getElementById(button.dataset.copy);
    if (!field) return;
    const label = button.textContent;
    try {
      await navigator.clipboard.writeText(field.value);
      button.textContent = "Copied";
    } catch {
      // No clipboard (an insecure origin, a denied permission): select it for Ctrl+C instead.
      field.select();
      button.textContent = "Press Ctrl+C to copy";
    }
    setTimeout(() => { button.textContent = label; }, 2000);
  });
}

// The moderation queue follows the event stream: opened cases are added (replacing the case of
// the same strategy they supersede), decided ones removed, a taken-down strategy's cases too.
const queue = document.getElementById("moderation-queue");
if (queue && "EventSource" in window) {
  const body = queue.querySelector("tbody");
  const empty = document.getElementById("moderation-empty");
  const refreshEmpty = () => { empty.hidden = body.rows.length > 0; };
  const removeRows = (attribute, value) => {
    for (const row of body.querySelectorAll(`tr[${attribute}="${CSS.escape(value)}"]`)) row.remove();
    refreshEmpty();
  };
  const events = new EventSource(queue.dataset.events);
  events.addEventListener("moderation.case_opened", (message) => {
    const data = JSON.parse(message.data).data;
    if (body.querySelector(`tr[data-case-id="${CSS.escape(data.caseId)}"]`)) return;
    removeRows("data-strategy-id", data.strategyId);
    const row = body.insertRow();
    row.dataset.caseId = data.caseId;
    row.dataset.strategyId = data.strategyId;
    const link = document.createElement("a");
    link.href = `/moderation/cases/${encodeURIComponent(data.caseId)}`;
    link.textContent = data.strategyName ?? data.strategyId;
    row.insertCell().append(link);
    row.insertCell().textContent = data.subject === "version" ? `profile version ${data.version}` : "listing";
    row.insertCell().textContent = JSON.parse(message.data).occurredAt ?? new Date().toISOString();
    refreshEmpty();
  });
  for (const decided of ["moderation.case_approved", "moderation.case_rejected"]) {
    events.addEventListener(decided, (message) => removeRows("data-case-id", JSON.parse(message.data).data.caseId));
  }
  events.addEventListener("moderation.strategy_taken_down", (message) => {
    removeRows("data-strategy-id", JSON.parse(message.data).data.strategyId);
  });
}

// A subscriber's strategy page adds new signals as the author's bot emits them (the web app
// follows the relay's WebSocket stream for it and forwards server-sent events).
const signals = document.querySelector("section.signals[data-live]");
if (signals && "EventSource" in window) {
  const list = signals.querySelector(".signal-list");
  const state = signals.querySelector(".live-state");
  const feed = new EventSource(signals.dataset.live);
  feed.addEventListener("open", () => { state.textContent = " · live"; });
  feed.addEventListener("signal", (message) => {
    const signal = JSON.parse(message.data);
    if (list.querySelector(`li[value="${signal.seq}"]`)) return;
    const item = document.createElement("li");
    item.value = signal.seq;
    const time = document.createElement("time");
    time.textContent = signal.received;
    item.append(time, ` ${signal.summary}`);
    list.prepend(item);
    while (list.children.length > 20) list.lastElementChild.remove();
    signals.querySelector(".head-seq").textContent = signal.seq;
    signals.querySelector(".head-hash").textContent = signal.hash;
    signals.querySelector(".empty")?.remove();
  });
  feed.addEventListener("ended", () => {
    feed.close();
    state.textContent = " · no longer live: your access ended";
  });
}
