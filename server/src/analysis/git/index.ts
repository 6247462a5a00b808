/** Reading a workspace as it was at a git revision, and comparing it with the working tree. */
export { gitBlobId } from "./blobId";
export { GitError, type GitErrorKind } from "./gitCommand";
export { GitRevisionReader } from "./gitRevisionReader";
export { headState } from "./headState";
export { changedSince, type GitRepository, openRepository, resolveCommit } from "./repository";
export { type ComparisonOptions, compareWithRevision, type RevisionComparison } from "./revisionComparison";
