export declare const apiPathFunctions: string[];
export declare const apiPathMaxKiB: number;
export declare const anyFunctionMaxKiB: number;
export declare const apiPathInitMaxMs: number;
export declare function maxKiBOf(name: string): number;
