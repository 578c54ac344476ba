import { z } from 'zod';

/**
 * Extraction settings and the limits that keep hostile or absurd input from exhausting time or memory.
 * One schema serves the CLI's flags and the Lambdas' environment (parsed, never read raw).
 */
export const ocrModeSchema = z.enum(['auto', 'always', 'never']);
export type OcrMode = z.infer<typeof ocrModeSchema>;

export const extractionConfigSchema = z.object({
  ocr: ocrModeSchema.default('auto'),
  /** A page with fewer letters than this in its text layer counts as scanned. */
  minTextCharsPerPage: z.coerce.number().int().nonnegative().default(40),
  /** Resolution scanned pages are rendered at for OCR. */
  ocrDpi: z.coerce.number().int().min(72).max(600).default(300),
  /** A page's OCR confidence (0–1, see `textConfidence`) below which its record goes to review. */
  minOcrConfidence: z.coerce.number().min(0).max(1).default(0.6),
  /**
   * A value's OCR confidence (0–1, the mean of its words') below which its record goes to review, with an
   * issue at the value's path. Calibrated by `npm run bench` on scans of every quality.
   */
  minValueConfidence: z.coerce.number().min(0).max(1).default(0.7),
  /** The confidence (0–1) below which one word OCR read sends its value to review, however sure the others were. */
  minWordConfidence: z.coerce.number().min(0).max(1).default(0.5),
  /**
   * The same for a word on a page of faint print: there OCR misreads letters at 60–85 % that it would
   * be much less sure of on a clean page ("Onentierung", "Amne Janz", "USBZ" for "ÜSBZ" in the calibration).
   */
  minFaintPrintWordConfidence: z.coerce.number().min(0).max(1).default(0.9),
  /**
   * The confidence (0–1) a word OCR read needs when it is no German word or name the lexicon knows
   * (shared/extract/lexicon.ts): below it, its value goes to review. A misread letter mostly makes a
   * non-word ("Onentierung"), often read with fair confidence; a word that is in the lexicon needs only
   * `minWordConfidence`.
   */
  minUnknownWordConfidence: z.coerce.number().min(0).max(1).default(0.9),
  limits: z
    .object({
      maxFileBytes: z.coerce.number().int().positive().default(100 * 1024 * 1024),
      maxPages: z.coerce.number().int().positive().default(200),
      /** Longest page side in PDF points; the PDF specification allows 14 400 (200 inches). */
      maxPageSidePt: z.coerce.number().positive().default(14_400),
      /** Largest size any one compressed stream may inflate to. */
      maxDecompressedStreamBytes: z.coerce.number().int().positive().default(256 * 1024 * 1024),
      maxNestingDepth: z.coerce.number().int().positive().default(256),
      /** Wall-clock time for one document, OCR included. */
      timeoutMs: z.coerce.number().int().positive().default(300_000),
      /**
       * Time the reader may work on one page (its text, its images, its rendering) or on opening the
       * document without moving on; time a page waits for OCR does not count.
       */
      pageTimeoutMs: z.coerce.number().int().positive().default(20_000),
      /** Resident memory of the process that reads one document, in MiB. */
      memoryMiB: z.coerce.number().int().min(128).default(400),
      /** Largest page image rendered for OCR, in pixels (an A4 page at 300 dpi has 8.7 million). */
      maxRenderPixels: z.coerce.number().int().positive().default(25_000_000),
    })
    .prefault({}),
});

export type ExtractionConfig = z.infer<typeof extractionConfigSchema>;
export type ExtractionConfigInput = z.input<typeof extractionConfigSchema>;

/**
 * The environment variables the same settings are read from, each optional (the default applies);
 * their values are checked by `extractionConfigSchema`.
 */
export const extractionEnvSchema = z.object({
  EXTRACTION_OCR: z.string().optional(),
  EXTRACTION_MIN_TEXT_CHARS_PER_PAGE: z.string().optional(),
  EXTRACTION_OCR_DPI: z.string().optional(),
  EXTRACTION_MIN_OCR_CONFIDENCE: z.string().optional(),
  EXTRACTION_MIN_VALUE_CONFIDENCE: z.string().optional(),
  EXTRACTION_MIN_WORD_CONFIDENCE: z.string().optional(),
  EXTRACTION_MIN_FAINT_PRINT_WORD_CONFIDENCE: z.string().optional(),
  EXTRACTION_MIN_UNKNOWN_WORD_CONFIDENCE: z.string().optional(),
  EXTRACTION_MAX_FILE_BYTES: z.string().optional(),
  EXTRACTION_MAX_PAGES: z.string().optional(),
  EXTRACTION_MAX_PAGE_SIDE_PT: z.string().optional(),
  EXTRACTION_MAX_DECOMPRESSED_STREAM_BYTES: z.string().optional(),
  EXTRACTION_MAX_NESTING_DEPTH: z.string().optional(),
  EXTRACTION_TIMEOUT_MS: z.string().optional(),
  EXTRACTION_PAGE_TIMEOUT_MS: z.string().optional(),
  EXTRACTION_MEMORY_MIB: z.string().optional(),
  EXTRACTION_MAX_RENDER_PIXELS: z.string().optional(),
});

/** Reads the same settings from environment variables (EXTRACTION_OCR, EXTRACTION_MAX_PAGES, …). */
export function extractionConfigFromEnv(environment: Record<string, unknown>): ExtractionConfig {
  const env = extractionEnvSchema.parse(environment);
  const defined = <T extends Record<string, unknown>>(values: T) =>
    Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined && value !== ''));
  return extractionConfigSchema.parse(
    defined({
      ocr: env.EXTRACTION_OCR,
      minTextCharsPerPage: env.EXTRACTION_MIN_TEXT_CHARS_PER_PAGE,
      ocrDpi: env.EXTRACTION_OCR_DPI,
      minOcrConfidence: env.EXTRACTION_MIN_OCR_CONFIDENCE,
      minValueConfidence: env.EXTRACTION_MIN_VALUE_CONFIDENCE,
      minWordConfidence: env.EXTRACTION_MIN_WORD_CONFIDENCE,
      minFaintPrintWordConfidence: env.EXTRACTION_MIN_FAINT_PRINT_WORD_CONFIDENCE,
      minUnknownWordConfidence: env.EXTRACTION_MIN_UNKNOWN_WORD_CONFIDENCE,
      limits: defined({
        maxFileBytes: env.EXTRACTION_MAX_FILE_BYTES,
        maxPages: env.EXTRACTION_MAX_PAGES,
        maxPageSidePt: env.EXTRACTION_MAX_PAGE_SIDE_PT,
        maxDecompressedStreamBytes: env.EXTRACTION_MAX_DECOMPRESSED_STREAM_BYTES,
        maxNestingDepth: env.EXTRACTION_MAX_NESTING_DEPTH,
        timeoutMs: env.EXTRACTION_TIMEOUT_MS,
        pageTimeoutMs: env.EXTRACTION_PAGE_TIMEOUT_MS,
        memoryMiB: env.EXTRACTION_MEMORY_MIB,
        maxRenderPixels: env.EXTRACTION_MAX_RENDER_PIXELS,
      }),
    }),
  );
}
