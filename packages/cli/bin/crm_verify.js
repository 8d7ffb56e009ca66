#!/usr/bin/env node
import "../dist/crm_verify/main.js";
