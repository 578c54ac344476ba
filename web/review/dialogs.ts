import { h } from './dom.js';

/**
 * The two questions the app asks: who is reviewing (once; the browser remembers the answer), and why a
 * document is rejected (every time; a rejection needs a reason). Both are modal dialogs that Esc cancels.
 */

const REVIEWER_KEY = 'zv-review.reviewer';

export const reviewer = (): string | undefined => localStorage.getItem(REVIEWER_KEY)?.trim() || undefined;

/** Opens a modal dialog with one text field; resolves with the trimmed text, or undefined when cancelled. */
function ask(options: { title: string; label: string; submit: string; value?: string; multiline?: boolean; hint?: string }): Promise<string | undefined> {
  return new Promise((resolve) => {
    const control = options.multiline ? h('textarea', { name: 'answer', rows: 4, required: true }) : h('input', { type: 'text', name: 'answer', required: true, autocomplete: 'name' });
    control.value = options.value ?? '';
    const problem = h('p', { class: 'error', hidden: true }, 'Bitte ausfüllen.');
    const dialog = h(
      'dialog',
      { class: 'ask' },
      h(
        'form',
        // The app says what is missing itself, in the dialog, rather than the browser's own bubble.
        { method: 'dialog', novalidate: true },
        h('h2', {}, options.title),
        options.hint && h('p', {}, options.hint),
        h('label', {}, h('span', { class: 'label' }, options.label), control),
        problem,
        h('div', { class: 'actions' }, h('button', { type: 'submit', value: 'ok', class: 'primary' }, options.submit), h('button', { type: 'button', value: 'cancel', onclick: () => dialog.close('cancel') }, 'Abbrechen')),
      ),
    );
    dialog.querySelector('form')!.addEventListener('submit', (event) => {
      if (control.value.trim() === '') {
        event.preventDefault();
        problem.hidden = false;
        control.focus();
      }
    });
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(dialog.returnValue === 'ok' ? control.value.trim() : undefined);
    });
    document.body.append(dialog);
    dialog.showModal();
    control.focus();
  });
}

/** Asks for the reviewer's name and remembers it in this browser. */
export async function askReviewer(): Promise<string | undefined> {
  const name = await ask({
    title: 'Wer prüft?',
    label: 'Ihr Name',
    submit: 'Übernehmen',
    value: reviewer(),
    hint: 'Der Name steht bei jeder Entscheidung im Prüfprotokoll. Dieser Browser merkt ihn sich.',
  });
  if (name) localStorage.setItem(REVIEWER_KEY, name);
  return name;
}

export const askReason = (fileName: string) =>
  ask({ title: 'Ablehnen', label: 'Grund', submit: 'Ablehnen', multiline: true, hint: `Warum wird ${fileName} abgelehnt? Der Grund steht im Datensatz und im Bericht.` });
