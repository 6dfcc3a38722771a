export type Params = Record<string, string | number>;
export type Message = string | ((p: Params) => string);
