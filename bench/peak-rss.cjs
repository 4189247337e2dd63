// Preloaded into a benchmarked child (`node --require bench/peak-rss.cjs …`): at exit, writes the process's peak
// resident set (getrusage maxRSS, kilobytes) to the file named by MARKETBOSS_PEAK_RSS_FILE.
const { writeFileSync } = require('node:fs');

const file = process.env.MARKETBOSS_PEAK_RSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
