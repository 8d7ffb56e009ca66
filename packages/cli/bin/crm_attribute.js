#!/usr/bin/env node
import "../dist/crm_attribute/main.js";
