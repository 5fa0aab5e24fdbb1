/** Python frameworks: Django settings for django-cors-headers, and flask-cors on the Flask app. */
import { list, quoteDouble, type StackFix } from './common';

const DUPLICATE_PY = '# Then remove Access-Control-Allow-Origin from the other layer (a proxy, or a header set by hand): only one may send it.';

/** corsheaders.defaults.default_headers (3.14 to 4.x): already allowed without listing them. */
const DJANGO_DEFAULT_HEADERS = ['accept', 'authorization', 'content-type', 'user-agent', 'x-csrftoken', 'x-requested-with'];

export const django: StackFix = {
  stack: 'django',
  label: 'Django (django-cors-headers)',
  language: 'python',
  versions: 'Django 3.2 to 5.x with django-cors-headers 3.14 or 4.x',
  verified: { version: 'Django 3.2.25, django-cors-headers 3.14.0' },
  comment: '#',
  render: (p) => {
    const extra = p.headers.map((h) => h.toLowerCase()).filter((h) => !DJANGO_DEFAULT_HEADERS.includes(h));
    return [
      '# At the end of settings.py. CorsMiddleware must come first in MIDDLEWARE, above CommonMiddleware',
      p.cause === 'preflight-refused-by-auth'
        ? '# and your auth middleware: it answers the preflight before authentication can refuse it.'
        : '# and your auth middleware, so preflights and error responses get the headers too.',
      'INSTALLED_APPS += ["corsheaders"]',
      'MIDDLEWARE.insert(0, "corsheaders.middleware.CorsMiddleware")',
      `CORS_ALLOWED_ORIGINS = ${list([p.origin], quoteDouble)}  # add your other front-end origins`,
      `CORS_ALLOW_METHODS = ${list(p.methods, quoteDouble)}`,
      extra.length > 0 ? 'from corsheaders.defaults import default_headers' : null,
      extra.length > 0 ? `CORS_ALLOW_HEADERS = [*default_headers, ${extra.map(quoteDouble).join(', ')}]` : null,
      p.credentials ? 'CORS_ALLOW_CREDENTIALS = True' : null,
      'CORS_PREFLIGHT_MAX_AGE = 600',
      p.cause === 'duplicate-allow-origin' ? DUPLICATE_PY : null,
    ];
  },
};

export const flask: StackFix = {
  stack: 'flask',
  label: 'Flask (flask-cors)',
  language: 'python',
  versions: 'Flask 2.x and 3.x with flask-cors 3.0 to 5.x',
  verified: { version: 'Flask 2.2.2, flask-cors 3.0.10' },
  comment: '#',
  render: (p) => [
    '# Right after app = Flask(__name__). flask-cors also adds the headers to error responses.',
    p.cause === 'preflight-refused-by-auth' ? 'from flask import request' : null,
    'from flask_cors import CORS',
    '',
    'CORS(',
    '    app,',
    `    origins=${list([p.origin], quoteDouble)},  # add your other front-end origins`,
    `    methods=${list(p.methods, quoteDouble)},`,
    p.headers.length > 0 ? `    allow_headers=${list(p.headers, quoteDouble)},` : null,
    p.credentials ? '    supports_credentials=True,' : null,
    '    max_age=600,',
    ')',
    ...(p.cause === 'preflight-refused-by-auth'
      ? [
          '',
          '# flask-cors answers a preflight only after the before_request hooks: registered before your',
          '# auth hook, this one answers it first, so authentication never sees a preflight.',
          '@app.before_request',
          'def answer_cors_preflight():',
          '    if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:',
          '        return app.make_default_options_response()',
        ]
      : []),
    p.cause === 'duplicate-allow-origin' ? DUPLICATE_PY : null,
  ],
};
