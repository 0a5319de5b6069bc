import { isbot } from 'isbot';
import { UAParser } from 'ua-parser-js';

export type Device = 'desktop' | 'mobile' | 'tablet' | 'tv' | 'bot' | 'other';

// Smart TVs and set-top boxes that ua-parser-js does not always type as smarttv.
const TV_HINTS =
  /smart-?tv|hbbtv|netcast|web0s|webos.*tv|tizen.*tv|appletv|apple tv|googletv|android tv|roku|aftb|aftt|aftm|bravia|crkey|viera|philipstv|nettv|vidaa/i;
const DESKTOP_OS = /^(Windows|Mac OS|macOS|Linux|Ubuntu|Debian|Fedora|Chromium OS|FreeBSD|OpenBSD|NetBSD)/;

/** The kind of device behind a User-Agent, including the unusual ones (TVs, consoles, bots). */
export function detectDevice(userAgent: string | undefined): Device {
  if (!userAgent || userAgent.trim() === '') return 'other';
  if (isbot(userAgent)) return 'bot';
  if (TV_HINTS.test(userAgent)) return 'tv';
  const result = new UAParser(userAgent).getResult();
  switch (result.device.type) {
    case 'mobile':
    case 'wearable':
      return 'mobile';
    case 'tablet':
      return 'tablet';
    case 'smarttv':
      return 'tv';
    case 'console':
    case 'embedded':
      return 'other';
  }
  if (/\bipad\b/i.test(userAgent)) return 'tablet';
  if (/mobile|iphone|android/i.test(userAgent))
    return /android/i.test(userAgent) && !/mobile/i.test(userAgent) ? 'tablet' : 'mobile';
  if (result.browser.name && result.os.name && DESKTOP_OS.test(result.os.name)) return 'desktop';
  return 'other';
}
