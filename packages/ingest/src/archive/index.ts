export { ArchiveError, RawArchive } from './archive.js';
export type { ArchiveRecovery, ArchiveStats, RawArchiveOptions, SegmentInfo } from './archive.js';
export type { ArchiveRecord } from './format.js';
export { exportArchive, exportArchiveTo } from './export.js';
export type { ExportedSegment, ExportManifest, ExportOptions, ExportRange } from './export.js';
export { verifyArchive } from './verify.js';
export type { ChainHead, VerifyOptions, VerifyResult } from './verify.js';
