export {};

// Heartbeat v1 configuration files: ha.cf, authkeys, haresources.
export * from "./config/index.js";
