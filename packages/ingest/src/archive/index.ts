export { ArchiveError, RawArchive } from './archive.js';
export type {
  ArchiveRecovery,
  ArchiveStats,
  RawArchiveOptions,
  ArchiveSegmentInfo,
  EncodedArchiveBatch,
} from './archive.js';
export type { ArchiveRecord } from './format.js';
export { exportArchive, exportArchiveTo } from './export.js';
export type {
  ArchiveExportedSegment,
  ArchiveExportManifest,
  ArchiveExportOptions,
  ArchiveExportRange,
} from './export.js';
export { verifyArchive } from './verify.js';
export type { ArchiveChainHead, ArchiveVerifyOptions, ArchiveVerifyResult } from './verify.js';
