#!/usr/bin/env node
import "../dist/cl_status/main.js";
