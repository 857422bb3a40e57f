/** Metadata key written by `@Public()` and read by the global JwtAuthGuard. */
export const IS_PUBLIC_KEY = 'auth:isPublic';

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;
export const EMAIL_MAX_LENGTH = 254;
