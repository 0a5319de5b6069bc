// The part of jStat's API Bazaar uses (the package ships no types).
declare module 'jstat' {
  const jstat: {
    jStat: {
      studentt: { inv(p: number, dof: number): number };
    };
  };
  export default jstat;
}
