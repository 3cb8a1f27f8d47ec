export declare const apiPathFunctions: string[];
export declare const goals: { apiPathKiB: number; anyFunctionKiB: number; apiPathInitMs: number };
export interface SizeLimits { totalKiB: number; initKiB: number }
export declare const limits: { apiPath: SizeLimits; anyFunction: SizeLimits };
export declare function limitsOf(name: string): SizeLimits;
export declare function goalKiBOf(name: string): number;
