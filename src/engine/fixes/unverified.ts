/**
 * Stacks the verification suite cannot run on this project's machines (no JVM, no .NET SDK):
 * their snippets say so in their first line, and `verified` is null.
 */
import { quoteDouble, type StackFix } from './common';

export const spring: StackFix = {
  stack: 'spring',
  label: 'Spring (CorsConfiguration)',
  language: 'java',
  versions: 'Spring Framework 6.x / Spring Boot 3.x',
  verified: null,
  comment: '//',
  render: (p) => [
    '@Bean',
    'CorsConfigurationSource corsConfigurationSource() {',
    '    CorsConfiguration config = new CorsConfiguration();',
    `    config.setAllowedOrigins(List.of(${quoteDouble(p.origin)})); // add your other front-end origins`,
    `    config.setAllowedMethods(List.of(${p.methods.map(quoteDouble).join(', ')}));`,
    p.headers.length > 0 ? `    config.setAllowedHeaders(List.of(${p.headers.map(quoteDouble).join(', ')}));` : null,
    p.credentials ? '    config.setAllowCredentials(true);' : null,
    '    config.setMaxAge(600L);',
    '    UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();',
    '    source.registerCorsConfiguration("/**", config);',
    '    return source;',
    '}',
    '// With Spring Security, also call http.cors(Customizer.withDefaults()) so preflights skip authentication.',
  ],
};

export const aspnet: StackFix = {
  stack: 'aspnet',
  label: 'ASP.NET Core (CorsPolicyBuilder)',
  language: 'csharp',
  versions: 'ASP.NET Core 6 to 9',
  verified: null,
  comment: '//',
  render: (p) => [
    'builder.Services.AddCors(options => options.AddPolicy("Frontend", policy => policy',
    `    .WithOrigins(${quoteDouble(p.origin)}) // add your other front-end origins`,
    `    .WithMethods(${p.methods.map(quoteDouble).join(', ')})`,
    p.headers.length > 0 ? `    .WithHeaders(${p.headers.map(quoteDouble).join(', ')})` : null,
    p.credentials ? '    .AllowCredentials()' : null,
    '    .SetPreflightMaxAge(TimeSpan.FromMinutes(10))));',
    '// After UseRouting, before UseAuthentication/UseAuthorization:',
    'app.UseCors("Frontend");',
  ],
};
