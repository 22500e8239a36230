#!/usr/bin/env node
import '../dist/boot.js';
