#!/usr/bin/env node
import "../dist/crm_mon/main.js";
