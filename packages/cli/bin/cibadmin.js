#!/usr/bin/env node
import "../dist/cibadmin/main.js";
