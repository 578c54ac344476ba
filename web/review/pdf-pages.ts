import { getDocument, GlobalWorkerOptions, type PDFDocumentProxy } from 'pdfjs-dist';
import type { DocumentView } from './api.js';
import { h } from './dom.js';

/**
 * The document's pages drawn by pdf.js, each with the boxes of the evidence read on it laid over it.
 * pdf.js, its worker and the data it fetches come from this server; it is told not to evaluate strings
 * as code, which the page's Content-Security-Policy forbids. Pages are drawn when they come into view.
 */

GlobalWorkerOptions.workerSrc = '/pdfjs/pdf.worker.min.mjs';

type Evidence = DocumentView['evidence'][number];

export interface PdfPages {
  /** Marks the boxes of the field at `path` and brings the first into view; none for an unknown path. */
  highlight: (path: string | undefined) => void;
  destroy: () => Promise<void>;
}

export interface PdfPagesOptions {
  url: string;
  evidence: readonly Evidence[];
  /** Paths of the values flagged for the reviewer, whose boxes stand out. */
  flagged: ReadonlySet<string>;
  /** A box was clicked: focus its field. */
  onBoxClick: (path: string) => void;
  onError: (message: string) => void;
}

const percent = (fraction: number) => `${(fraction * 100).toFixed(3)}%`;

export async function showPdfPages(container: HTMLElement, options: PdfPagesOptions): Promise<PdfPages> {
  const loading = getDocument({
    url: options.url,
    isEvalSupported: false,
    wasmUrl: '/pdfjs/wasm/',
    standardFontDataUrl: '/pdfjs/standard_fonts/',
    cMapUrl: '/pdfjs/cmaps/',
    iccUrl: '/pdfjs/iccs/',
    enableXfa: false,
  });
  let pdf: PDFDocumentProxy;
  try {
    pdf = await loading.promise;
  } catch (error) {
    options.onError(`Das PDF kann nicht gezeigt werden: ${error instanceof Error ? error.message : String(error)}`);
    return { highlight: () => undefined, destroy: () => loading.destroy() };
  }

  const boxes: HTMLElement[] = [];
  const pages: HTMLElement[] = [];
  const drawn = new Set<number>();
  const observer = new IntersectionObserver((entries) => {
    for (const entry of entries) if (entry.isIntersecting) void draw(Number((entry.target as HTMLElement).dataset.page));
  }, { root: container, rootMargin: '400px 0px' });

  async function draw(number: number): Promise<void> {
    if (drawn.has(number)) return;
    drawn.add(number);
    const page = await pdf.getPage(number);
    const wrapper = pages[number - 1]!;
    const scale = (wrapper.clientWidth || 800) / page.getViewport({ scale: 1 }).width;
    const viewport = page.getViewport({ scale: scale * window.devicePixelRatio });
    const canvas = wrapper.querySelector('canvas')!;
    canvas.width = Math.floor(viewport.width);
    canvas.height = Math.floor(viewport.height);
    try {
      await page.render({ canvas, viewport }).promise;
      wrapper.classList.add('drawn');
    } catch (error) {
      options.onError(`Seite ${number} kann nicht gezeigt werden: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  for (let number = 1; number <= pdf.numPages; number++) {
    const size = (await pdf.getPage(number)).getViewport({ scale: 1 });
    const wrapper = h('div', { class: 'page', 'data-page': number }, h('canvas', { 'aria-label': `Seite ${number}` }), h('span', { class: 'page-number' }, `Seite ${number} von ${pdf.numPages}`));
    // The page keeps its shape before it is drawn, so that scrolling to a box lands where it will be.
    wrapper.style.aspectRatio = `${size.width} / ${size.height}`;
    for (const entry of options.evidence.filter((candidate) => candidate.page === number)) {
      const box = h('button', {
        type: 'button',
        class: options.flagged.has(entry.path) ? 'box flagged' : 'box',
        'data-path': entry.path,
        title: `${entry.path}: „${entry.text}“`,
        'aria-label': `Fundstelle von ${entry.path}`,
        onclick: () => options.onBoxClick(entry.path),
      });
      Object.assign(box.style, { left: percent(entry.box.left), top: percent(entry.box.top), width: percent(entry.box.width), height: percent(entry.box.height) });
      wrapper.append(box);
      boxes.push(box);
    }
    pages.push(wrapper);
    container.append(wrapper);
    observer.observe(wrapper);
  }

  return {
    highlight(path) {
      let first: HTMLElement | undefined;
      for (const box of boxes) {
        const active = path !== undefined && box.dataset.path === path;
        box.classList.toggle('active', active);
        if (active && !first) first = box;
      }
      if (first) {
        void draw(Number(first.parentElement!.dataset.page));
        first.scrollIntoView({ block: 'center', behavior: 'smooth' });
      }
    },
    async destroy() {
      observer.disconnect();
      await loading.destroy();
    },
  };
}
