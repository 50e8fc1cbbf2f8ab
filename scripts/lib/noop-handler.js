// The baseline for cold-start measurements: a "function" that loads nothing.
'use strict';
exports.handler = async () => ({ status: 'success', data: null });
