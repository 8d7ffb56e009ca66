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
