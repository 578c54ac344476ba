import type { DocumentView, FieldError, Meta } from './api.js';
import { germanDate, h, replaceChildren } from './dom.js';

/**
 * Every field of a record's agreement, grouped as the agreement is — parties, year, amount, measures
 * with their projects, signatures — as a form a person corrects. Values are kept as typed (the server
 * reads amounts and dates as people write them). Each field knows two paths in the syntax
 * `review accept --set` takes: where it stands now (for the server's errors) and where its value stood
 * in the stored record (for its evidence and its flags), which differ once a measure or project is
 * added or removed.
 */

type Record_ = DocumentView['record'];
type Role = 'funder' | 'recipient';

interface PartyDraft { role: Role; name: string; shortName: string; source?: number }
interface ProjectDraft { text: string; source?: number }
interface MeasureDraft { number: string; title: string; projects: ProjectDraft[]; source?: number }
interface SignatureDraft { party: Role; place: string; date: string; name: string; title: string; source?: number }
interface Draft {
  title: string;
  program: string;
  budgetYear: string;
  amount: string;
  parties: PartyDraft[];
  measures: MeasureDraft[];
  signatures: SignatureDraft[];
}

const ROLE_LABELS: Record<Role, string> = { funder: 'Ministerium', recipient: 'Landkreis / kreisfreie Stadt' };
const ROLES: Role[] = ['funder', 'recipient'];

/** The record's agreement as the form holds it; a party or signature the record lacks gets an empty row. */
function draftOf(record: Record_): Draft {
  const agreement = record.agreement;
  const parties: PartyDraft[] = (agreement.parties ?? []).map((party, index) => ({ role: party.role, name: party.name, shortName: party.shortName ?? '', source: index }));
  const signatures: SignatureDraft[] = (agreement.signatures ?? []).map((signature, index) => ({
    party: signature.party,
    place: signature.place,
    date: germanDate(signature.date ?? ''),
    name: signature.name ?? '',
    title: signature.title ?? '',
    source: index,
  }));
  for (const role of ROLES) {
    if (!parties.some((party) => party.role === role)) parties.push({ role, name: '', shortName: '' });
    if (!signatures.some((signature) => signature.party === role)) signatures.push({ party: role, place: '', date: '', name: '', title: '' });
  }
  return {
    title: agreement.title ?? '',
    program: agreement.program ?? '',
    budgetYear: agreement.budgetYear?.toString() ?? '',
    amount: agreement.amount?.text ?? '',
    parties,
    measures: (agreement.measures ?? []).map((measure, index) => ({
      number: String(measure.number),
      title: measure.title,
      projects: measure.projects.map((text, project) => ({ text, source: project })),
      source: index,
    })),
    signatures,
  };
}

/** What the server is sent: the agreement as typed; the recipient's kind follows from its name there. */
function inputOf(draft: Draft): unknown {
  return {
    title: draft.title,
    program: draft.program,
    budgetYear: draft.budgetYear,
    amount: draft.amount,
    parties: draft.parties.map(({ role, name, shortName }) => ({ role, name, shortName })),
    measures: draft.measures.map(({ number, title, projects }) => ({ number, title, projects: projects.map((project) => project.text) })),
    signatures: draft.signatures.map(({ party, place, date, name, title }) => ({ party, place, date, name, title })),
  };
}

/** A value of the stored record at a `--set` path, as the form shows it. */
function shownValueAt(record: Record_, path: string): string | undefined {
  const segments = path.replace(/\[(\d+)\]/g, '.$1').split('.').slice(1);
  let value: unknown = record.agreement;
  for (const segment of segments) value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[segment] : undefined;
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'object' && 'text' in value) return String((value as { text: unknown }).text);
  if (typeof value === 'string' && /\.date$/.test(path)) return germanDate(value);
  return typeof value === 'object' ? undefined : String(value);
}

/** "agreement.signatures[1].date" → "agreement.signatures[1]" → "agreement.signatures" → "agreement" → "". */
function enclosingPath(path: string): string {
  const shorter = path.replace(/(\.[A-Za-z]+|\[\d+\])$/, '');
  return shorter === path ? '' : shorter;
}

/** The element under `root` whose `attribute` is `path`, or else the nearest one whose path encloses it. */
function nearest(root: HTMLElement, attribute: string, path: string): { target: HTMLElement; path: string } | undefined {
  for (let at = path; at; at = enclosingPath(at)) {
    const target = root.querySelector<HTMLElement>(`[${attribute}="${CSS.escape(at)}"]`);
    if (target) return { target, path: at };
  }
  return undefined;
}

export interface AgreementForm {
  element: HTMLElement;
  /** The agreement as typed, for accept. */
  value: () => unknown;
  /** The server's errors at their fields; those at no field are returned. */
  showErrors: (errors: readonly FieldError[]) => FieldError[];
  /** After a conflict: beside each field, what is stored now where it differs from what is typed. */
  showCurrent: (current: Record_) => void;
  /** Focuses the first field with a flag, or the first field. */
  focusFirst: () => void;
  /** Focuses the field whose stored value is at `sourcePath`, or the first field of the group at it. */
  focusSource: (sourcePath: string) => void;
}

export interface AgreementFormOptions {
  view: DocumentView;
  meta: Meta;
  /** A field got the focus: its stored value's path (for the evidence), if it has one. */
  onFocusField: (sourcePath: string | undefined) => void;
  /** Every flag, with the stored value's path of the field it was placed at (none for the document as a whole). */
  onFlags: (flags: { flag: DocumentView['flags'][number]; at?: string }[]) => void;
}

export function agreementForm({ view, meta, onFocusField, onFlags }: AgreementFormOptions): AgreementForm {
  const draft = draftOf(view.record);
  const element = h('form', { class: 'agreement', novalidate: true, onsubmit: (event) => event.preventDefault() });
  element.addEventListener('focusin', (event) => {
    const field = (event.target as HTMLElement).closest<HTMLElement>('[data-source-path]');
    onFocusField(field?.dataset.sourcePath);
  });

  const percent = (confidence: number) => `${Math.round(confidence * 100)} %`;
  const SOURCE_LABELS: Record<string, string> = { 'pdf-text': 'Textebene', tesseract: 'OCR', textract: 'OCR (Textract)' };

  /** One labelled control with what was read for it. */
  function field(label: string, path: string, sourcePath: string | undefined, control: HTMLElement, extra?: HTMLElement): HTMLElement {
    const read = sourcePath ? view.evidence.filter((entry) => entry.path === sourcePath) : [];
    return h(
      'div',
      { class: 'field', 'data-path': path, 'data-source-path': sourcePath },
      h('label', {}, h('span', { class: 'label' }, label), control),
      extra,
      ...read.map((entry) => h('p', { class: 'read' }, `gelesen auf S. ${entry.page}: „${entry.text}“ · ${SOURCE_LABELS[entry.source] ?? entry.source}, ${percent(entry.confidence)}`)),
    );
  }

  function text(value: string, set: (value: string) => void, attributes: Record<string, string> = {}): HTMLInputElement {
    return h('input', { type: 'text', value, spellcheck: 'false', ...attributes, oninput: (event) => set((event.target as HTMLInputElement).value) });
  }
  /** A text area as tall as its text needs (titles run to several lines). */
  function area(value: string, set: (value: string) => void): HTMLTextAreaElement {
    const control = h('textarea', { rows: Math.max(1, Math.ceil(value.length / 48)), spellcheck: 'false', oninput: (event) => set((event.target as HTMLTextAreaElement).value) });
    control.value = value;
    return control;
  }
  function button(label: string, onclick: () => void, attributes: Record<string, string> = {}): HTMLButtonElement {
    return h('button', { type: 'button', class: 'small', ...attributes, onclick }, label);
  }
  /** Re-renders after a list changed, keeping the focus where it makes sense. */
  function changed(focusPath?: string): void {
    render();
    if (focusPath) element.querySelector<HTMLElement>(`[data-path="${focusPath}"] :is(input, textarea, select)`)?.focus();
  }

  function parties(): HTMLElement {
    return h(
      'fieldset',
      { class: 'group', 'data-path': 'agreement.parties', 'data-source-path': 'agreement.parties' },
      h('legend', {}, 'Parteien'),
      ...draft.parties.map((party, index) => {
        const path = `agreement.parties[${index}]`;
        const source = party.source === undefined ? undefined : `agreement.parties[${party.source}]`;
        const name =
          party.role === 'recipient'
            ? h(
                'select',
                { onchange: (event) => (party.name = (event.target as HTMLSelectElement).value) },
                h('option', { value: '' }, '— wählen —'),
                ...(party.name && !meta.recipients.some((recipient) => recipient.name === party.name) ? [h('option', { value: party.name }, `${party.name} (nicht unter den 26)`)] : []),
                ...meta.recipients.map((recipient) => h('option', { value: recipient.name }, recipient.name)),
              )
            : text(party.name, (value) => (party.name = value), { list: 'ministries' });
        if (name instanceof HTMLSelectElement) name.value = party.name;
        return h(
          'div',
          { class: 'row party', 'data-path': path, 'data-source-path': source },
          field(ROLE_LABELS[party.role], `${path}.name`, source && `${source}.name`, name),
          field('Kurzname', `${path}.shortName`, source && `${source}.shortName`, text(party.shortName, (value) => (party.shortName = value), { class: 'short' })),
        );
      }),
      h('datalist', { id: 'ministries' }, ...meta.ministries.map((ministry) => h('option', { value: ministry.name }))),
    );
  }

  function measures(): HTMLElement {
    return h(
      'fieldset',
      { class: 'group', 'data-path': 'agreement.measures', 'data-source-path': 'agreement.measures' },
      h('legend', {}, 'Maßnahmen und Projekte'),
      ...draft.measures.map((measure, index) => {
        const path = `agreement.measures[${index}]`;
        const source = measure.source === undefined ? undefined : `agreement.measures[${measure.source}]`;
        return h(
          'div',
          { class: 'measure', 'data-path': path, 'data-source-path': source },
          h(
            'div',
            { class: 'row' },
            field('Nr.', `${path}.number`, source && `${source}.number`, text(measure.number, (value) => (measure.number = value), { class: 'number', inputmode: 'numeric' })),
            field('Maßnahme', `${path}.title`, source && `${source}.title`, area(measure.title, (value) => (measure.title = value))),
            button('×', () => {
              draft.measures.splice(index, 1);
              changed();
            }, { class: 'small remove', 'aria-label': `Maßnahme ${measure.number || index + 1} entfernen`, title: 'Maßnahme entfernen' }),
          ),
          h(
            'ol',
            { class: 'projects' },
            ...measure.projects.map((project, projectIndex) => {
              const projectSource = source && project.source !== undefined ? `${source}.projects[${project.source}]` : undefined;
              return h(
                'li',
                {},
                field(`Projekt ${projectIndex + 1}`, `${path}.projects[${projectIndex}]`, projectSource, text(project.text, (value) => (project.text = value))),
                button('×', () => {
                  measure.projects.splice(projectIndex, 1);
                  changed();
                }, { class: 'small remove', 'aria-label': `Projekt ${projectIndex + 1} entfernen`, title: 'Projekt entfernen' }),
              );
            }),
          ),
          button('+ Projekt', () => {
            measure.projects.push({ text: '' });
            changed(`${path}.projects[${measure.projects.length - 1}]`);
          }),
        );
      }),
      button('+ Maßnahme', () => {
        const next = Math.max(0, ...draft.measures.map((measure) => Number(measure.number) || 0)) + 1;
        draft.measures.push({ number: String(next), title: '', projects: [] });
        changed(`agreement.measures[${draft.measures.length - 1}].title`);
      }),
    );
  }

  function signatures(): HTMLElement {
    return h(
      'fieldset',
      { class: 'group', 'data-path': 'agreement.signatures', 'data-source-path': 'agreement.signatures' },
      h('legend', {}, 'Unterschriften'),
      ...draft.signatures.map((signature, index) => {
        const path = `agreement.signatures[${index}]`;
        const source = signature.source === undefined ? undefined : `agreement.signatures[${signature.source}]`;
        const part = (label: string, key: 'place' | 'date' | 'name' | 'title', attributes: Record<string, string> = {}) =>
          field(label, `${path}.${key}`, source && `${source}.${key}`, text(signature[key], (value) => (signature[key] = value), attributes));
        return h(
          'div',
          { class: 'signature', 'data-path': path, 'data-source-path': source },
          h('h4', {}, ROLE_LABELS[signature.party]),
          h('div', { class: 'row' }, part('Ort', 'place'), part('Datum', 'date', { placeholder: 'z. B. 2.8.2025', class: 'date' })),
          h('div', { class: 'row' }, part('Name', 'name'), part('Amt', 'title')),
        );
      }),
    );
  }

  function render(): void {
    replaceChildren(
      element,
      h(
        'fieldset',
        { class: 'group', 'data-path': 'agreement', 'data-source-path': 'agreement' },
        h('legend', {}, 'Vereinbarung'),
        field('Titel', 'agreement.title', 'agreement.title', area(draft.title, (value) => (draft.title = value))),
        field('Programm', 'agreement.program', 'agreement.program', text(draft.program, (value) => (draft.program = value))),
        h(
          'div',
          { class: 'row' },
          field('Haushaltsjahr', 'agreement.budgetYear', 'agreement.budgetYear', text(draft.budgetYear, (value) => (draft.budgetYear = value), { class: 'year', inputmode: 'numeric' })),
          field('Betrag', 'agreement.amount', 'agreement.amount', text(draft.amount, (value) => (draft.amount = value), { placeholder: 'z. B. 1.018.910 Euro' })),
        ),
      ),
      parties(),
      measures(),
      signatures(),
    );
    const placed = new Map<DocumentView['flags'][number], string>();
    place(view.flags.filter((flag) => flag.path !== 'document'), 'data-source-path', (flag, at) => {
      placed.set(flag, at);
      return h('p', { class: flag.kind === 'issue' ? 'flag' : 'flag doubtful' }, flag.message);
    });
    onFlags(view.flags.map((flag) => ({ flag, at: placed.get(flag) })));
  }

  /**
   * Puts each message at the element whose `attribute` is its path, or at the nearest enclosing one
   * ("agreement.signatures[1]" for "agreement.signatures[1].date" if need be); returns those at none.
   */
  function place<T extends { path: string }>(items: readonly T[], attribute: string, make: (item: T, at: string) => HTMLElement): T[] {
    const unplaced: T[] = [];
    for (const item of items) {
      const found = nearest(element, attribute, item.path);
      if (!found) {
        unplaced.push(item);
        continue;
      }
      const { target, path } = found;
      target.classList.add(attribute === 'data-source-path' ? 'flagged' : 'invalid');
      const label = target.querySelector(':scope > label, :scope > legend');
      (label ?? target).after(make(item, path));
    }
    return unplaced;
  }

  render();
  return {
    element,
    value: () => inputOf(draft),
    showErrors(errors) {
      for (const stale of element.querySelectorAll('.error')) stale.remove();
      for (const invalid of element.querySelectorAll('.invalid')) invalid.classList.remove('invalid');
      return place(errors, 'data-path', (error) => h('p', { class: 'error' }, error.message));
    },
    showCurrent(current) {
      for (const stale of element.querySelectorAll('.theirs')) stale.remove();
      for (const holder of element.querySelectorAll<HTMLElement>('.field[data-source-path]')) {
        const control = holder.querySelector<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>('input, textarea, select');
        const theirs = shownValueAt(current, holder.dataset.sourcePath!);
        if (!control || theirs === undefined || theirs === control.value) continue;
        holder.append(
          h('p', { class: 'theirs' }, 'Inzwischen gespeichert: ', h('q', {}, theirs), ' ', button('übernehmen', () => {
            control.value = theirs;
            control.dispatchEvent(new Event(control instanceof HTMLSelectElement ? 'change' : 'input'));
            holder.querySelector('.theirs')?.remove();
          })),
        );
      }
    },
    focusFirst() {
      const target = element.querySelector<HTMLElement>('.field.flagged :is(input, textarea, select)') ?? element.querySelector<HTMLElement>('input, textarea, select');
      target?.focus();
    },
    focusSource(sourcePath) {
      // The field itself, or the nearest group that holds it (a value the form shows as part of a larger one).
      const holder = nearest(element, 'data-source-path', sourcePath)?.target;
      const control = holder?.matches('input, textarea, select') ? holder : holder?.querySelector<HTMLElement>('input, textarea, select');
      control?.focus();
      control?.scrollIntoView({ block: 'nearest' });
    },
  };
}
