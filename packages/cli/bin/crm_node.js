#!/usr/bin/env node
import "../dist/crm_node/main.js";
