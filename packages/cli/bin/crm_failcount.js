#!/usr/bin/env node
import "../dist/crm_failcount/main.js";
