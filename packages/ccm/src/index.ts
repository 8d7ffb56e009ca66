export {
  CcmCore,
  hasQuorum,
  type CcmEvent,
  type CcmEffect,
  type CcmOptions,
  type MembershipView,
  type PeerState,
  type NodeName,
} from "./core.js";
export {
  type PeerView,
  agreedMembership,
  chooseSet,
  electDc,
  maximalCliques,
  mutualEdges,
} from "./membership.js";
export { CCM_MESSAGE_TYPE, CCM_VIEWS_FIELD, CcmMessageError, decodeViews, encodeViews } from "./codec.js";
