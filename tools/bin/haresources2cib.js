#!/usr/bin/env node
import "../dist/haresources2cib/main.js";
