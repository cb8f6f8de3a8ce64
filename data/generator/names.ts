/**
 * Name stock for the sample city: road name stems (Chinese, pinyin) and worker names. Stems are
 * the common civic words of Chinese street naming; none is meant to point at a real street.
 */

/** Two-character road-name stems, [汉字, pinyin]. */
export const ROAD_STEMS: readonly (readonly [string, string])[] = [
  ['和平', 'Heping'], ['建设', 'Jianshe'], ['解放', 'Jiefang'], ['人民', 'Renmin'], ['胜利', 'Shengli'],
  ['文化', 'Wenhua'], ['新华', 'Xinhua'], ['朝阳', 'Chaoyang'], ['光明', 'Guangming'], ['幸福', 'Xingfu'],
  ['青年', 'Qingnian'], ['健康', 'Jiankang'], ['长寿', 'Changshou'], ['东风', 'Dongfeng'], ['红星', 'Hongxing'],
  ['团结', 'Tuanjie'], ['友谊', 'Youyi'], ['民主', 'Minzhu'], ['复兴', 'Fuxing'], ['振兴', 'Zhenxing'],
  ['繁荣', 'Fanrong'], ['前进', 'Qianjin'], ['劳动', 'Laodong'], ['工农', 'Gongnong'], ['学院', 'Xueyuan'],
  ['体育', 'Tiyu'], ['公园', 'Gongyuan'], ['环城', 'Huancheng'], ['望江', 'Wangjiang'], ['清泰', 'Qingtai'],
  ['凤凰', 'Fenghuang'], ['梅花', 'Meihua'], ['桂花', 'Guihua'], ['荷花', 'Hehua'], ['柳营', 'Liuying'],
  ['竹竿', 'Zhugan'], ['石板', 'Shiban'], ['菜市', 'Caishi'], ['米市', 'Mishi'], ['盐桥', 'Yanqiao'],
  ['银杏', 'Yinxing'], ['枫林', 'Fenglin'], ['松木', 'Songmu'], ['桃源', 'Taoyuan'], ['杏花', 'Xinghua'],
  ['兴隆', 'Xinglong'], ['太平', 'Taiping'], ['安乐', 'Anle'], ['永宁', 'Yongning'], ['宝善', 'Baoshan'],
  ['仁和', 'Renhe'], ['积善', 'Jishan'], ['狮子', 'Shizi'], ['马市', 'Mashi'], ['茶亭', 'Chating'],
  ['书院', 'Shuyuan'], ['望仙', 'Wangxian'], ['金沙', 'Jinsha'], ['银湖', 'Yinhu'], ['紫荆', 'Zijing'],
  ['翠柏', 'Cuibai'], ['百合', 'Baihe'], ['丰收', 'Fengshou'], ['新民', 'Xinmin'], ['文昌', 'Wenchang'],
  ['武林', 'Wulin'], ['湖滨', 'Hubin'], ['南星', 'Nanxing'], ['北山', 'Beishan'], ['东园', 'Dongyuan'],
  ['西园', 'Xiyuan'], ['河坊', 'Hefang'], ['鼓楼', 'Gulou'], ['龙山', 'Longshan'], ['江城', 'Jiangcheng'],
  ['秋涛', 'Qiutao'], ['钱塘', 'Qiantang'], ['华光', 'Huaguang'], ['庆丰', 'Qingfeng'], ['明月', 'Mingyue'],
  ['春晖', 'Chunhui'], ['瑞祥', 'Ruixiang'], ['吉祥', 'Jixiang'], ['如意', 'Ruyi'], ['锦绣', 'Jinxiu'],
  ['乐园', 'Leyuan'], ['双桥', 'Shuangqiao'], ['义井', 'Yijing'], ['元宝', 'Yuanbao'], ['采荷', 'Caihe'],
  ['孝女', 'Xiaonv'], ['大井', 'Dajing'], ['四宜', 'Siyi'], ['五柳', 'Wuliu'], ['六部', 'Liubu'],
  ['九曲', 'Jiuqu'], ['百井', 'Baijing'], ['千秋', 'Qianqiu'], ['万安', 'Wan\'an'], ['红门', 'Hongmen'],
]

/** Chinese numerals for '一路', '二路' … when a stem is reused. */
export const ORDINALS_ZH = ['', '一', '二', '三', '四', '五', '六', '七', '八', '九']
/** English ordinals matching ORDINALS_ZH. */
export const ORDINALS_EN = ['', '1st', '2nd', '3rd', '4th', '5th', '6th', '7th', '8th', '9th']

/** Surnames and given names for the patrol staff (common, not real people). */
export const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭', '何', '林', '罗', '高']
/** Given names combined with SURNAMES. */
export const GIVEN_NAMES = ['伟', '芳', '军', '敏', '强', '磊', '静', '洋', '勇', '艳', '杰', '涛', '明', '超', '秀英', '建华', '志强', '海燕', '国平', '晓东', '丽娟', '文斌', '春梅', '建国']
