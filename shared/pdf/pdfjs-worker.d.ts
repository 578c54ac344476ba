/** pdf.js's worker module, which pdfjs-dist ships without declarations; pdf.js reads its handler from `globalThis.pdfjsWorker`. */
declare module 'pdfjs-dist/legacy/build/pdf.worker.mjs' {
  export const WorkerMessageHandler: unknown;
}
