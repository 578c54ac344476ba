import { type DocumentView, downloadUrl, getDocument, getMeta, getQueue, getText, idOf, type Meta, pdfUrl, type Queue, type QueueFilter, write } from './api.js';
import { agreementForm, type AgreementForm } from './agreement-form.js';
import { announce, formatCents, formatTimestamp, h, replaceChildren, statusLabel, typingIn } from './dom.js';
import { type PdfPages, showPdfPages } from './pdf-pages.js';
import { askReason, askReviewer, reviewer } from './dialogs.js';

/**
 * The review app: the queue of documents that need review or were rejected, and one document at a
 * time — its PDF beside its fields — to correct and accept, or to reject. Two views, chosen by the
 * address's fragment (`#/` and `#/d/<sha256 hex>`), so that the browser's back button and reloads work.
 * Keys: j/k or the arrows move through the queue, Enter opens, e edits, a accepts, r rejects, / filters,
 * Esc goes back.
 */

const app = document.getElementById('app')!;
let meta: Meta;
let filter: QueueFilter = {};
let queue: Queue | undefined;
let selected = 0;
let opened: { view: DocumentView; form?: AgreementForm; pages?: PdfPages } | undefined;
/** "/" pressed on a document: the queue's search gets the focus once it is shown. */
let focusFilterNext = false;

const REVIEW_STATUSES = ['needs_review', 'rejected'] as const;

async function refreshQueue(): Promise<Queue> {
  queue = await getQueue(filter);
  selected = Math.min(selected, Math.max(0, queue.rows.length - 1));
  return queue;
}

// ————— the queue —————

function select(index: number): void {
  const rows = app.querySelectorAll<HTMLElement>('tbody tr');
  if (rows.length === 0) return;
  selected = Math.max(0, Math.min(rows.length - 1, index));
  for (const [at, row] of rows.entries()) row.classList.toggle('selected', at === selected);
  rows[selected]!.scrollIntoView({ block: 'nearest' });
}

async function showQueue(focusFilter = false): Promise<void> {
  await closeDocument();
  const { count, rows, facets } = await refreshQueue();
  const choose = (name: keyof QueueFilter, label: string, values: readonly (string | number)[], show: (value: string) => string = (value) => value) =>
    h(
      'label',
      {},
      h('span', { class: 'label' }, label),
      (() => {
        const control = h(
          'select',
          { name, onchange: (event) => void applyFilter(name, (event.target as HTMLSelectElement).value) },
          h('option', { value: '' }, 'alle'),
          ...values.map((value) => h('option', { value: String(value) }, show(String(value)))),
        );
        control.value = filter[name] === undefined ? '' : String(filter[name]);
        return control;
      })(),
    );
  const search = h('input', {
    type: 'search',
    id: 'filter-text',
    placeholder: 'Datei oder Empfänger (/)',
    value: filter.q ?? '',
    onchange: (event) => void applyFilter('q', (event.target as HTMLInputElement).value),
  });
  replaceChildren(
    app,
    h(
      'header',
      { class: 'bar' },
      h('h1', {}, 'Prüfung'),
      h('p', { class: 'count', 'data-count': count }, `${count} ${count === 1 ? 'Dokument' : 'Dokumente'}`),
      reviewerBadge(),
    ),
    h(
      'form',
      { class: 'filters', role: 'search', onsubmit: (event) => event.preventDefault() },
      h('label', {}, h('span', { class: 'label' }, 'Suche'), search),
      choose('batch', 'Stapel', facets.batches),
      choose('year', 'Jahr', facets.years),
      choose('recipient', 'Empfänger', facets.recipients),
      choose('status', 'Status', REVIEW_STATUSES, statusLabel),
    ),
    rows.length === 0
      ? h('p', { class: 'empty' }, Object.values(filter).some(Boolean) ? 'Kein Dokument passt zu diesem Filter.' : 'Nichts zu prüfen.')
      : h(
          'table',
          { class: 'queue' },
          h('thead', {}, h('tr', {}, ...['Datei', 'Empfänger', 'Jahr', 'Betrag', 'Status', 'Gründe'].map((title) => h('th', {}, title)))),
          h(
            'tbody',
            {},
            ...rows.map((row, index) =>
              h(
                'tr',
                { 'data-document-id': row.documentId, onclick: () => openDocument(index) },
                h('td', { class: 'file' }, h('a', { href: `#/d/${idOf(row.documentId)}` }, row.fileName)),
                h('td', { class: 'recipient' }, row.recipient ?? '—'),
                h('td', { class: 'year' }, row.budgetYear ?? '—'),
                h('td', { class: 'amount' }, row.amount ? formatCents(row.amount.cents) : '—'),
                h(
                  'td',
                  { class: 'status' },
                  h('span', { class: `badge ${row.status}` }, statusLabel(row.status)),
                  row.decision && h('span', { class: 'decided' }, ` von ${row.decision.by}`),
                ),
                h('td', { class: 'reasons' }, h('ul', {}, ...row.reasons.map((reason) => h('li', { title: reason.message }, h('code', {}, reason.code), ' ', reason.message)))),
              ),
            ),
          ),
        ),
    h('p', { class: 'keys' }, 'Tasten: j/k oder ↓/↑ wählen · Enter öffnen · / suchen'),
  );
  select(selected);
  if (focusFilter) search.focus();
}

async function applyFilter(name: keyof QueueFilter, value: string): Promise<void> {
  filter = { ...filter, [name]: value === '' ? undefined : name === 'year' ? Number(value) : value };
  selected = 0;
  await showQueue();
}

function openDocument(index: number): void {
  const row = queue?.rows[index];
  if (!row) return;
  selected = index;
  location.hash = `#/d/${idOf(row.documentId)}`;
}

// ————— one document —————

function reviewerBadge(): HTMLElement {
  const name = reviewer();
  return h('button', { type: 'button', class: 'reviewer link', onclick: () => void askReviewer().then(() => route()) }, name ? `Prüfer/in: ${name}` : 'Name angeben');
}

async function closeDocument(): Promise<void> {
  const closing = opened;
  opened = undefined;
  await closing?.pages?.destroy();
}

function position(): string {
  if (!queue || !opened) return '';
  const at = queue.rows.findIndex((row) => row.documentId === opened!.view.documentId);
  return at < 0 ? '' : `${at + 1} / ${queue.rows.length}`;
}

/** Goes `step` documents on in the queue from the one shown. */
function move(step: number): void {
  if (!queue || !opened) return;
  const at = queue.rows.findIndex((row) => row.documentId === opened!.view.documentId);
  const next = at < 0 ? 0 : at + step;
  if (next >= 0 && next < queue.rows.length) openDocument(next);
}

async function showDocument(hex: string): Promise<void> {
  await closeDocument();
  queue ??= await refreshQueue();
  const view = await getDocument(`sha256:${hex}`);
  opened = { view };
  const { record } = view;
  const issuesAtDocument = h('ul', { class: 'document-flags' });
  const notices = h('div', { class: 'notices' });
  const pages = h('div', { class: 'pages', tabindex: '-1' });
  const text = h('details', { class: 'source-text' }, h('summary', {}, 'Gelesener Text'), h('pre', {}, 'Lädt …'));
  text.addEventListener('toggle', () => {
    if (!text.open || text.dataset.loaded) return;
    text.dataset.loaded = 'yes';
    void getText(view.documentId).then((read) => replaceChildren(text.querySelector('pre')!, read === undefined ? 'Zu diesem Dokument ist kein Text gespeichert.' : read.replace(/\f/g, '\n\n— Seitenwechsel —\n\n')));
  });

  const form = agreementForm({
    view,
    meta,
    onFocusField: (path) => opened?.pages?.highlight(path),
    onFlags: (flags) =>
      replaceChildren(
        issuesAtDocument,
        ...flags.map(({ flag, at }) =>
          h('li', { class: flag.kind }, h('code', {}, flag.code), ' ', flag.message, at && ' ', at && h('button', { type: 'button', class: 'link small', onclick: () => opened?.form?.focusSource(at) }, 'zum Feld')),
        ),
      ),
  });
  opened.form = form;
  const last = view.audit.at(-1);

  replaceChildren(
    app,
    h(
      'header',
      { class: 'bar' },
      h('button', { type: 'button', class: 'link', onclick: () => (location.hash = '#/') }, '← Warteschlange'),
      h('span', { class: 'position' }, position()),
      h('h1', { class: 'file-name', title: record.fileName }, record.fileName),
      h('span', { class: `badge ${record.status}` }, statusLabel(record.status)),
      h('span', { class: 'version' }, `Version ${view.version}`),
      reviewerBadge(),
    ),
    h(
      'div',
      { class: 'document-head' },
      last && h('p', { class: 'decision' }, `${last.action === 'accept' ? 'Angenommen' : 'Abgelehnt'} von ${last.by}, ${formatTimestamp(last.at)}${last.action === 'reject' ? `: ${last.reason}` : ''}`),
      issuesAtDocument,
      notices,
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'button', class: 'accept', onclick: () => void accept() }, 'Annehmen (a)'),
        h('button', { type: 'button', class: 'reject', onclick: () => void reject() }, 'Ablehnen (r)'),
        h('a', { href: downloadUrl(view.documentId), class: 'button', download: record.fileName }, 'PDF herunterladen'),
        h('span', { class: 'keys' }, 'e bearbeiten · j/k nächstes/voriges · Esc zurück'),
      ),
    ),
    h('main', { class: 'split' }, h('section', { class: 'viewer' }, text, pages), h('section', { class: 'fields' }, form.element)),
  );

  if (!view.display.render) {
    replaceChildren(
      pages,
      h('div', { class: 'withheld' }, h('p', {}, 'Dieses Dokument wird im Browser nicht angezeigt, weil es eine Grenze überschreitet und den Browser lahmlegen könnte:'), h('p', {}, h('code', {}, view.display.reason)), h('p', {}, h('a', { href: downloadUrl(view.documentId), download: record.fileName }, 'Herunterladen'), ' und mit Vorsicht öffnen.')),
    );
  } else {
    if (!view.hasEvidence) {
      notices.append(
        h(
          'p',
          { class: 'notice no-evidence' },
          'Dieser Datensatz wurde gelesen, bevor Fundstellen gespeichert wurden: die Felder sind im PDF nicht markiert. ',
          view.canReprocess ? h('button', { type: 'button', onclick: () => void reprocess() }, 'Neu lesen') : 'Über ihn wurde schon entschieden; er wird nicht neu gelesen.',
        ),
      );
    }
    const flagged = new Set(view.flags.map((flag) => flag.path));
    opened.pages = await showPdfPages(pages, {
      url: pdfUrl(view.documentId),
      evidence: view.evidence,
      flagged,
      onBoxClick: (path) => form.focusSource(path),
      onError: (message) => notices.append(h('p', { class: 'notice error' }, message)),
    });
  }
}

/** What follows a saved decision: the next document of the queue, or the queue. */
async function afterDecision(message: string): Promise<void> {
  const current = opened?.view.documentId;
  const previous = queue?.rows.findIndex((row) => row.documentId === current) ?? -1;
  announce(message);
  const rows = (await refreshQueue()).rows;
  const next = rows[Math.max(0, previous)] ?? rows.at(-1);
  location.hash = next && next.documentId !== current ? `#/d/${idOf(next.documentId)}` : '#/';
}

/** Shows what someone else saved meanwhile; the form keeps what this person typed, now over the current version. */
function showConflict(message: string, current: DocumentView): void {
  if (!opened) return;
  opened.view = { ...opened.view, version: current.version };
  opened.form?.showCurrent(current.record);
  app.querySelector('.version')!.textContent = `Version ${current.version}`;
  const badge = app.querySelector('.bar .badge')!;
  badge.className = `badge ${current.record.status}`;
  badge.textContent = statusLabel(current.record.status);
  const notices = app.querySelector('.notices')!;
  notices.querySelector('.conflict')?.remove();
  notices.prepend(
    h(
      'div',
      { class: 'notice conflict', role: 'alert' },
      h('p', {}, message),
      h('p', {}, `Jetzt gespeichert: ${statusLabel(current.record.status)}. Ihre Eingaben stehen noch im Formular; wo das Gespeicherte abweicht, steht es daneben. Speichern Sie erneut, um Ihre Fassung über die neue zu legen, oder laden Sie die neue.`),
      h('button', { type: 'button', onclick: () => void route() }, 'Gespeicherte Fassung laden'),
    ),
  );
  announce('Nicht gespeichert: jemand anderes hat den Datensatz inzwischen geändert.', 'error');
}

function showInvalid(message: string, fields: { path: string; message: string }[]): void {
  const unplaced = opened?.form?.showErrors(fields) ?? fields;
  const notices = app.querySelector('.notices')!;
  notices.querySelector('.invalid-summary')?.remove();
  notices.prepend(
    h(
      'div',
      { class: 'notice error invalid-summary', role: 'alert' },
      h('p', {}, `Nicht gespeichert: ${fields.length === 1 ? 'ein Feld muss' : `${fields.length} Felder müssen`} berichtigt werden (${message.split(':')[0]}).`),
      unplaced.length > 0 && h('ul', {}, ...unplaced.map((field) => h('li', {}, `${field.path}: ${field.message}`))),
    ),
  );
  app.querySelector<HTMLElement>('.field.invalid :is(input, textarea, select)')?.focus();
  announce('Nicht gespeichert: bitte die markierten Felder berichtigen.', 'error');
}

async function accept(): Promise<void> {
  if (!opened?.form) return;
  const by = reviewer() ?? (await askReviewer());
  if (!by || !opened?.form) return;
  const { view, form } = opened;
  form.showErrors([]);
  const result = await write(view.documentId, 'accept', { version: view.version, by, agreement: form.value() });
  if (result.kind === 'conflict') showConflict(result.message, result.current);
  else if (result.kind === 'invalid') showInvalid(result.message, result.fields);
  else await afterDecision(`Angenommen: ${view.record.fileName}`);
}

async function reject(): Promise<void> {
  if (!opened) return;
  const by = reviewer() ?? (await askReviewer());
  if (!by || !opened) return;
  const { view } = opened;
  const reason = await askReason(view.record.fileName);
  if (reason === undefined || !opened) return;
  const result = await write(view.documentId, 'reject', { version: view.version, by, reason });
  if (result.kind === 'conflict') showConflict(result.message, result.current);
  else if (result.kind === 'invalid') showInvalid(result.message, result.fields);
  else await afterDecision(`Abgelehnt: ${view.record.fileName}`);
}

async function reprocess(): Promise<void> {
  if (!opened) return;
  const { view } = opened;
  announce('Das Dokument wird neu gelesen; bei Scans dauert das eine Weile …');
  for (const control of app.querySelectorAll<HTMLButtonElement>('.no-evidence button')) control.disabled = true;
  const result = await write(view.documentId, 'reprocess', { version: view.version });
  if (result.kind === 'conflict') showConflict(result.message, result.current);
  else if (result.kind === 'saved') {
    announce(result.outcome?.kind === 'failed' ? `Nicht neu gelesen: ${result.outcome.reason ?? ''}` : 'Neu gelesen.');
    await showDocument(idOf(view.documentId));
  }
}

// ————— navigation and keys —————

async function route(): Promise<void> {
  const match = /^#\/d\/([0-9a-f]{64})$/.exec(location.hash);
  try {
    if (match) await showDocument(match[1]!);
    else await showQueue(focusFilterNext);
    focusFilterNext = false;
  } catch (error) {
    replaceChildren(app, h('p', { class: 'notice error', role: 'alert' }, `Fehler: ${error instanceof Error ? error.message : String(error)}`), h('p', {}, h('a', { href: '#/' }, 'Zur Warteschlange')));
  }
}

document.addEventListener('keydown', (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (typingIn(event.target)) {
    if (event.key === 'Escape' && event.target instanceof HTMLElement && !event.target.closest('dialog')) event.target.blur();
    return;
  }
  const inDocument = opened !== undefined;
  const keys: Record<string, () => void> = inDocument
    ? {
        j: () => move(1),
        ArrowDown: () => move(1),
        k: () => move(-1),
        ArrowUp: () => move(-1),
        e: () => opened?.form?.focusFirst(),
        a: () => void accept(),
        r: () => void reject(),
        '/': () => {
          focusFilterNext = true;
          location.hash = '#/';
        },
        Escape: () => (location.hash = '#/'),
      }
    : {
        j: () => select(selected + 1),
        ArrowDown: () => select(selected + 1),
        k: () => select(selected - 1),
        ArrowUp: () => select(selected - 1),
        Enter: () => openDocument(selected),
        '/': () => document.getElementById('filter-text')?.focus(),
      };
  const action = keys[event.key];
  if (!action) return;
  event.preventDefault();
  action();
});

window.addEventListener('hashchange', () => void route());
window.addEventListener('unhandledrejection', (event) => announce(`Fehler: ${event.reason instanceof Error ? event.reason.message : String(event.reason)}`, 'error'));

meta = await getMeta();
await route();
