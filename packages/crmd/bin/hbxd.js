#!/usr/bin/env node
import "../dist/hbxd/main.js";
