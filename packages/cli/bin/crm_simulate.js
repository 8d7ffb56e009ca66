#!/usr/bin/env node
import "../dist/crm_simulate/main.js";
