/**
 * Province-level administrative division codes (the first two digits of a GB/T 2260 code), as
 * the first two digits of a GB 11643-1999 citizen identity number carry them.
 *
 * Source: GB/T 2260 "Codes for the administrative divisions of the People's Republic of China",
 * as published by the Ministry of Civil Affairs (province-level table, unchanged since Chongqing
 * (50) was created in 1997 and Hong Kong (81) and Macao (82) were added). 71 is Taiwan in
 * GB/T 2260; 83 is not a GB/T 2260 code but begins the Residence Permit for Taiwan Residents
 * (issued since 2018 in the same 18-character format; Hong Kong and Macao residents' permits
 * begin 81 and 82).
 *
 * Only the province level is checked: numbers keep the county code of the place of first
 * registration for life, and prefecture and county codes are abolished and renumbered often, so
 * a current prefecture table would reject valid numbers of older holders.
 */
export const cnProvinceCodes: ReadonlySet<string> = new Set([
  '11', '12', '13', '14', '15', // Beijing, Tianjin, Hebei, Shanxi, Inner Mongolia
  '21', '22', '23', // Liaoning, Jilin, Heilongjiang
  '31', '32', '33', '34', '35', '36', '37', // Shanghai, Jiangsu, Zhejiang, Anhui, Fujian, Jiangxi, Shandong
  '41', '42', '43', '44', '45', '46', // Henan, Hubei, Hunan, Guangdong, Guangxi, Hainan
  '50', '51', '52', '53', '54', // Chongqing, Sichuan, Guizhou, Yunnan, Tibet
  '61', '62', '63', '64', '65', // Shaanxi, Gansu, Qinghai, Ningxia, Xinjiang
  '71', '81', '82', '83', // Taiwan, Hong Kong, Macao, Taiwan residents' permits
]);
