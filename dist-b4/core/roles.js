export const ROLES = ["uploader", "viewer", "admin"];
export const isRole = (value) => ROLES.includes(value);
