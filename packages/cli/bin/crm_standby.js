#!/usr/bin/env node
import "../dist/crm_standby/main.js";
