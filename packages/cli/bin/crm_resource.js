#!/usr/bin/env node
import "../dist/crm_resource/main.js";
